using System.Text.Json;

namespace Portal.Marketplace.Lifecycle;

/// <summary>An Amazon SNS HTTP(S) delivery, as AWS documents its JSON body.</summary>
public sealed record SnsMessage(
    string Type, string MessageId, string TopicArn, string? Subject, string Message, string Timestamp,
    string SignatureVersion, string Signature, string SigningCertUrl, string? SubscribeUrl, string? Token)
{
    public const string Notification = "Notification";
    public const string SubscriptionConfirmation = "SubscriptionConfirmation";
    public const string UnsubscribeConfirmation = "UnsubscribeConfirmation";

    /// <summary>Parses a delivery; null when it is not one (not JSON, a field missing or of the wrong kind).</summary>
    public static SnsMessage? TryParse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return null;
            string? S(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var (type, id, topic, message, ts, version, signature, cert) =
                (S("Type"), S("MessageId"), S("TopicArn"), S("Message"), S("Timestamp"), S("SignatureVersion"), S("Signature"), S("SigningCertURL"));
            if (type is null || id is null || topic is null || message is null || ts is null || version is null || signature is null || cert is null)
                return null;
            return new SnsMessage(type, id, topic, S("Subject"), message, ts, version, signature, cert, S("SubscribeURL"), S("Token"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The exact string AWS signs: the named fields in this order, each as "Name\nValue\n".</summary>
    public string StringToSign()
    {
        var fields = Type == Notification
            ? new[] { ("Message", Message), ("MessageId", MessageId), ("Subject", Subject), ("Timestamp", Timestamp), ("TopicArn", TopicArn), ("Type", Type) }
            : new[] { ("Message", Message), ("MessageId", MessageId), ("SubscribeURL", SubscribeUrl), ("Timestamp", Timestamp), ("Token", Token), ("TopicArn", TopicArn), ("Type", Type) };
        return string.Concat(fields.Where(f => f.Item2 is not null).Select(f => $"{f.Item1}\n{f.Item2}\n"));
    }
}
