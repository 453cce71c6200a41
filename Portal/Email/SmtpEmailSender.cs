using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Portal.Email;

/// <summary>
/// Turns an outbox row into a MIME message (multipart/alternative text + HTML; the brand logo as an inline part the
/// HTML names by cid:, which mail clients show where they block data: URLs) and sends it with MailKit.
/// </summary>
public sealed partial class SmtpEmailSender(IOptions<EmailOptions> options, TimeProvider time)
{
    /// <summary>One SMTP connection for a delivery pass: opened at the first message, reopened after a failure.</summary>
    public SmtpSession Open() => new(options.Value, time);

    /// <summary>"a@b" or "Name &lt;a@b&gt;"; null when that is not exactly one address with a domain.</summary>
    public static MailboxAddress? ParseSender(string from) =>
        MailboxAddress.TryParse(from, out var address) && address.Address.Contains('@') && !string.IsNullOrEmpty(address.Domain) ? address : null;

    internal static MimeMessage Build(EmailMessage message, string from)
    {
        var sender = ParseSender(from) ?? throw new InvalidOperationException("Email:From is not an address.");
        var mime = new MimeMessage { Subject = message.Subject, Date = message.CreatedAt };
        mime.From.Add(sender);
        mime.To.Add(MailboxAddress.Parse(message.To));
        // From the row's id: a copy sent again after a lost lease carries the same Message-Id, so receivers can tell.
        mime.MessageId = $"{message.Id:N}@{sender.Domain}";
        var body = new BodyBuilder { TextBody = message.TextBody };
        if (message.HtmlBody is { } html)
            body.HtmlBody = InlineImage().Replace(html, m =>
            {
                var part = body.LinkedResources.Add("logo" + (m.Groups[1].Value == "image/png" ? ".png" : ".svg"),
                    Convert.FromBase64String(m.Groups[2].Value), ContentType.Parse(m.Groups[1].Value));
                part.ContentId = MimeUtils.GenerateMessageId(sender.Domain);
                return $"<img src=\"cid:{part.ContentId}\"";
            });
        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary>
    /// The server is down, unreachable, refusing service for now (421) or the connection's settings are wrong (TLS,
    /// credentials): nothing is wrong with the message, so it is kept however often this happens.
    /// </summary>
    internal static bool IsServerOutage(Exception ex) => ex switch
    {
        SmtpCommandException c => c.StatusCode == SmtpStatusCode.ServiceNotAvailable,
        SmtpProtocolException or ServiceNotConnectedException or AuthenticationException or TimeoutException => true,
        IOException or System.Net.Sockets.SocketException => true, // SslHandshakeException is an IOException
        _ => false,
    };

    /// <summary>The message itself cannot be sent, ever (an address MimeKit cannot parse): retrying would not help.</summary>
    internal static bool IsHopeless(Exception ex) => ex is ParseException;

    // Only the logo BrandLogo embeds: values in the HTML are encoded, so no value can produce this attribute.
    [GeneratedRegex("<img src=\"data:(image/png|image/svg\\+xml);base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex InlineImage();
}

public sealed class SmtpSession(EmailOptions o, TimeProvider time) : IAsyncDisposable
{
    private SmtpClient? client;

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = SmtpEmailSender.Build(message, o.From!);
        // MailKit's Timeout bounds each read and write; this bounds the whole message, so a server that trickles
        // cannot hold it past the claim's lease.
        using var deadline = new CancellationTokenSource(o.Smtp.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            if (client is not { IsConnected: true })
            {
                client?.Dispose();
                client = new SmtpClient { Timeout = o.Smtp.TimeoutMilliseconds };
                await client.ConnectAsync(o.Smtp.Host!, o.Smtp.Port, Socket(o.Smtp.EffectiveSecurity), linked.Token);
                if (o.Smtp.Username is { Length: > 0 } user) await client.AuthenticateAsync(user, o.Smtp.Password ?? "", linked.Token);
            }
            await client.SendAsync(mime, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Drop();
            throw new TimeoutException($"The SMTP server did not take the message within {o.Smtp.Timeout}.");
        }
        catch (Exception ex) when (ex is not SmtpCommandException || client?.IsConnected != true)
        {
            Drop(); // the connection's state is unknown: the next message starts on a new one
            throw;
        }
    }

    internal static SecureSocketOptions Socket(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.Auto,
    };

    private void Drop()
    {
        client?.Dispose();
        client = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (client is { IsConnected: true })
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            try { await client.DisconnectAsync(true, quit.Token); }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SmtpProtocolException or SmtpCommandException) { }
        }
        Drop();
    }
}
