using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Branding;
using Portal.Data;
using Portal.Email;

namespace Portal.Accounts;

public enum VerifyResult { Verified, Wrong, Expired, TooManyAttempts, NothingPending }

public enum ResendResult { Sent, TooSoon, AlreadyVerified }

/// <summary>Registration, e-mail verification (code or link), password checks with lockout, and sign-in tickets.</summary>
public sealed class AccountService(
    UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, IDbContextFactory<PortalDbContext> factory,
    IEmailComposer composer, IEmailDelivery delivery, IOptions<AccountOptions> options, IOptions<BrandOptions> brand, TimeProvider time,
    AccountThrottle throttle, AccountMail mail, IOptions<IdentityOptions> identity, Portal.Operations.PublicUrls urls)
{
    /// <param name="AlreadyRegistered">
    /// The address has an account: nothing was created and its owner got an e-mail. The page must answer exactly as for
    /// a new account ("check your e-mail"), so registration cannot be used to learn which addresses have accounts.
    /// </param>
    public sealed record RegisterResult(ApplicationUser? User, IReadOnlyList<IdentityError> Errors, bool AlreadyRegistered = false);

    /// <exception cref="AccountThrottledException">too many registrations from this client or for this address</exception>
    public async Task<RegisterResult> RegisterAsync(string email, string name, string password, CancellationToken ct = default)
    {
        await throttle.DemandAsync(AccountAction.Register, email);
        // Half a surrogate pair makes Identity's normalizer and hasher throw; the form refuses it, this guards other callers.
        if (!Onboarding.Steps.RuleExtensions.IsPlainText(email) || !Onboarding.Steps.RuleExtensions.IsPlainText(name) ||
            !Onboarding.Steps.RuleExtensions.IsPlainText(password))
            return new RegisterResult(null, [new IdentityError { Code = "InvalidCharacters", Description = "The input contains characters that cannot be used." }]);
        var now = time.GetUtcNow();
        var user = new ApplicationUser
        {
            UserName = email.Trim(), Email = email.Trim(), DisplayName = name.Trim(), CreatedAt = now,
            TermsVersion = options.Value.TermsVersion, TermsAcceptedAt = now,
        };
        // Identity hashes the password before it looks for a duplicate address, so both answers cost the same hashing.
        var created = await users.CreateAsync(user, password);
        if (created.Succeeded)
        {
            await SendVerificationAsync(user, ct);
            return new RegisterResult(user, []);
        }
        var other = created.Errors.Where(e => e.Code is not ("DuplicateEmail" or "DuplicateUserName")).ToList();
        if (other.Count > 0) return new RegisterResult(null, other);
        await SendAccountExistsAsync(email, ct);
        return new RegisterResult(null, [], AlreadyRegistered: true);
    }

    /// <summary>Tells the owner of <paramref name="email"/> that someone tried to register it (also on "resend").</summary>
    public async Task SendAccountExistsAsync(string email, CancellationToken ct = default)
    {
        var owner = await users.FindByEmailAsync(email.Trim());
        if (owner is null) return;
        await using var db = factory.CreateDbContext();
        db.EmailMessages.Add(mail.AccountExists(owner));
        await db.SaveChangesAsync(ct);
        delivery.Notify();
    }

    public async Task<ResendResult> ResendAsync(string userId, CancellationToken ct = default)
    {
        await throttle.DemandAsync(AccountAction.ResendCode, userId);
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("Unknown user.");
        if (user.EmailConfirmed) return ResendResult.AlreadyVerified;
        await using var db = factory.CreateDbContext();
        var last = await db.EmailVerifications.Where(v => v.UserId == userId).OrderByDescending(v => v.SentAt).FirstOrDefaultAsync(ct);
        if (last is not null && time.GetUtcNow() - last.SentAt < options.Value.ResendCooldown) return ResendResult.TooSoon;
        await SendVerificationAsync(user, ct);
        return ResendResult.Sent;
    }

    /// <summary>The account's address, read on a context of its own (safe beside another operation of the circuit).</summary>
    public async Task<string?> EmailOfAsync(string userId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
    }

    /// <summary>When the next resend is allowed, for the cooldown shown next to the button.</summary>
    public async Task<DateTimeOffset?> NextResendAtAsync(string userId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var last = await db.EmailVerifications.Where(v => v.UserId == userId).OrderByDescending(v => v.SentAt).Select(v => (DateTimeOffset?)v.SentAt).FirstOrDefaultAsync(ct);
        return last?.Add(options.Value.ResendCooldown);
    }

    private async Task SendVerificationAsync(ApplicationUser user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var linkToken = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var db = factory.CreateDbContext();
        // A new code replaces the old ones: only the latest e-mail works.
        await db.EmailVerifications.Where(v => v.UserId == user.Id && v.ConsumedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.ConsumedAt, now), ct);
        var id = Guid.NewGuid();
        var verification = new EmailVerification
        {
            Id = id, UserId = user.Id, CodeHash = CodeHash(id, code), LinkTokenHash = Hash(linkToken), SentAt = now,
            ExpiresAt = now.Add(options.Value.VerificationLifetime),
        };
        db.EmailVerifications.Add(verification);
        db.EmailMessages.Add(composer.Compose(EmailKinds.VerifyEmail, user.Email!, CultureInfo.CurrentUICulture, new Dictionary<string, string>
        {
            ["brand"] = brand.Value.Name, ["name"] = user.DisplayName ?? user.Email!, ["code"] = code,
            ["link"] = urls.Link($"account/verify?token={linkToken}"),
            ["minutes"] = ((int)options.Value.VerificationLifetime.TotalMinutes).ToString(CultureInfo.CurrentCulture),
        }));
        await db.SaveChangesAsync(ct);
        delivery.Notify();
    }

    public async Task<VerifyResult> VerifyCodeAsync(string userId, string code, CancellationToken ct = default)
    {
        await throttle.DemandAsync(AccountAction.VerifyCode, userId);
        await using var db = factory.CreateDbContext();
        var pending = await db.EmailVerifications.Where(v => v.UserId == userId && v.ConsumedAt == null)
            .OrderByDescending(v => v.SentAt).FirstOrDefaultAsync(ct);
        // The newest code already taken: the process may have died after taking it and before the wizard moved on
        // (crash test). The same code, within its lifetime and attempt limit, is accepted again so the buyer is not
        // stuck on a step that neither a code nor a resend ("already verified") can leave.
        pending ??= await db.EmailVerifications.Where(v => v.UserId == userId).OrderByDescending(v => v.SentAt).FirstOrDefaultAsync(ct);
        if (pending is null) return VerifyResult.NothingPending;
        if (pending.ExpiresAt < time.GetUtcNow()) return VerifyResult.Expired;
        if (pending.FailedAttempts >= options.Value.MaxCodeAttempts) return VerifyResult.TooManyAttempts;
        if (!FixedEquals(pending.CodeHash, CodeHash(pending.Id, code.Trim())))
        {
            pending.FailedAttempts++;
            await db.SaveChangesAsync(ct);
            return pending.FailedAttempts >= options.Value.MaxCodeAttempts ? VerifyResult.TooManyAttempts : VerifyResult.Wrong;
        }
        return await ConfirmAsync(db, pending, ct);
    }

    /// <summary>The link in the e-mail: works once, until the verification expires.</summary>
    public async Task<(VerifyResult Result, string? UserId)> VerifyLinkAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return (VerifyResult.NothingPending, null);
        await using var db = factory.CreateDbContext();
        var hash = Hash(token);
        var pending = await db.EmailVerifications.FirstOrDefaultAsync(v => v.LinkTokenHash == hash, ct);
        if (pending is null || pending.ConsumedAt is not null) return (VerifyResult.NothingPending, pending?.UserId);
        if (pending.ExpiresAt < time.GetUtcNow()) return (VerifyResult.Expired, pending.UserId);
        return (await ConfirmAsync(db, pending, ct), pending.UserId);
    }

    private async Task<VerifyResult> ConfirmAsync(PortalDbContext db, EmailVerification pending, CancellationToken ct)
    {
        pending.ConsumedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        var user = await users.FindByIdAsync(pending.UserId);
        if (user is null) return VerifyResult.NothingPending;
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        return VerifyResult.Verified;
    }

    /// <summary>
    /// Checks a password with Identity's lockout. Pages show one message for an unknown e-mail, a wrong password and a
    /// locked account; the owner of a locked account learns of it by e-mail instead. An account with a second factor
    /// answers <see cref="SignInResult.TwoFactorRequired"/> (with the user) for the right password.
    /// </summary>
    /// <exception cref="AccountThrottledException">too many attempts from this client or for this address</exception>
    public async Task<(SignInResult Result, ApplicationUser? User)> CheckPasswordAsync(string email, string password)
    {
        await throttle.DemandAsync(AccountAction.SignIn, email);
        // Such input cannot belong to any account (registration refuses it), and Identity's normalizer throws on it.
        if (!Onboarding.Steps.RuleExtensions.IsPlainText(email) || !Onboarding.Steps.RuleExtensions.IsPlainText(password))
            return (SignInResult.Failed, null);
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            // Spend the same work as a real check so timing does not reveal which e-mails have accounts.
            users.PasswordHasher.HashPassword(new ApplicationUser(), password);
            return (SignInResult.Failed, null);
        }
        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await users.GetTwoFactorEnabledAsync(user)
            ? await CheckPasswordOfTwoFactorAccountAsync(user, password)
            : await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.RequiresTwoFactor) return (result, user);
        if (result.IsLockedOut && !wasLocked)
        {
            await using var db = factory.CreateDbContext();
            db.EmailMessages.Add(mail.Locked(user, identity.Value.Lockout.DefaultLockoutTimeSpan));
            await db.SaveChangesAsync();
            delivery.Notify();
        }
        return (result, result.Succeeded ? user : null);
    }

    /// <summary>
    /// The password check with lockout for an account with a second factor. SignInManager's own would look for a
    /// "remembered browser" cookie through the HttpContext, which a circuit does not have; a password here never
    /// signs in alone: the page asks for the code next (TwoFactor.CheckAsync) and issues the ticket only after it.
    /// </summary>
    private async Task<SignInResult> CheckPasswordOfTwoFactorAccountAsync(ApplicationUser user, string password)
    {
        if (await users.IsLockedOutAsync(user)) return SignInResult.LockedOut;
        if (await users.CheckPasswordAsync(user, password)) return SignInResult.TwoFactorRequired;
        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>Issues a single-use sign-in ticket for the hand-off endpoint; only its hash is stored.</summary>
    public async Task<string> IssueTicketAsync(string userId, Guid onboardingSessionId, CancellationToken ct = default)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var db = factory.CreateDbContext();
        db.SignInTickets.Add(new SignInTicket
        {
            TokenHash = Hash(token), UserId = userId, OnboardingSessionId = onboardingSessionId,
            ExpiresAt = time.GetUtcNow().Add(options.Value.TicketLifetime),
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>Redeems a ticket once, for the browser holding the onboarding session it was issued to.</summary>
    public async Task<string?> RedeemTicketAsync(string token, Guid? browserSessionId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200 || browserSessionId is null) return null;
        var hash = Hash(token);
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        // A conditional update is the single-use check: of two concurrent redemptions only one changes the row.
        var redeemed = await db.SignInTickets
            .Where(t => t.TokenHash == hash && t.RedeemedAt == null && t.OnboardingSessionId == browserSessionId)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.RedeemedAt, now), ct);
        if (redeemed != 1) return null;
        var ticket = await db.SignInTickets.AsNoTracking().SingleAsync(t => t.TokenHash == hash, ct);
        return ticket.ExpiresAt >= now ? ticket.UserId : null;
    }

    // Salted with the verification's id so one table of the million possible codes does not fit every row.
    private static string CodeHash(Guid verificationId, string code) => Hash($"{verificationId:N}:{code}");

    internal static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
