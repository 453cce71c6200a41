using Microsoft.Extensions.Options;
using Portal.Accounts;

namespace Portal.Onboarding;

/// <summary>
/// The verification step for a registration whose address already had an account. Nothing was created; the owner got
/// an e-mail saying so. The buyer sees the same page as after a real registration, and codes, resends and their limits
/// behave the same, so the page cannot tell anyone which addresses have accounts. No code can ever succeed here: the
/// way on is "Use a different e-mail address or sign in".
/// </summary>
public sealed class PendingRegistrations(OnboardingSessions sessions, AccountService accounts, AccountThrottle throttle,
    IOptions<AccountOptions> options, TimeProvider time)
{
    public static PendingRegistration? Of(OnboardingSession? session) =>
        session is { UserId: null } ? OnboardingData.Parse(session.Data).PendingRegistration : null;

    /// <summary>Starts one, in the same save that moves the session to the verification step.</summary>
    public async Task<bool> StartAsync(OnboardingSession session, string email, CancellationToken ct = default)
    {
        session = await sessions.FindAsync(session.Id, ct) ?? session;
        var context = await sessions.ContextAsync(session, null);
        var now = time.GetUtcNow();
        return await sessions.SubmitAsync(session, OnboardingTrigger.Register, context,
            d => d.PendingRegistration = new PendingRegistration { Email = email.Trim(), SentAt = now }, ct);
    }

    public DateTimeOffset NextResendAt(PendingRegistration pending) => pending.SentAt.Add(options.Value.ResendCooldown);

    /// <exception cref="AccountThrottledException">as for a real code</exception>
    public async Task<VerifyResult> VerifyAsync(Guid sessionId, CancellationToken ct = default)
    {
        var session = await sessions.FindAsync(sessionId, ct);
        if (Of(session) is not { } pending) return VerifyResult.NothingPending;
        await throttle.DemandAsync(AccountAction.VerifyCode, pending.Email);
        if (pending.SentAt.Add(options.Value.VerificationLifetime) < time.GetUtcNow()) return VerifyResult.Expired;
        if (pending.FailedAttempts >= options.Value.MaxCodeAttempts) return VerifyResult.TooManyAttempts;
        var attempts = pending.FailedAttempts + 1;
        // Stored like a real wrong code (one read, one write), so both cost the same.
        await sessions.KeepAnswersAsync(session!, d => { if (d.PendingRegistration is { } p) p.FailedAttempts = attempts; }, ct);
        return attempts >= options.Value.MaxCodeAttempts ? VerifyResult.TooManyAttempts : VerifyResult.Wrong;
    }

    /// <exception cref="AccountThrottledException">as for a real resend</exception>
    public async Task<ResendResult> ResendAsync(Guid sessionId, CancellationToken ct = default)
    {
        var session = await sessions.FindAsync(sessionId, ct);
        if (Of(session) is not { } pending) return ResendResult.AlreadyVerified;
        await throttle.DemandAsync(AccountAction.ResendCode, pending.Email);
        var now = time.GetUtcNow();
        if (now < NextResendAt(pending)) return ResendResult.TooSoon;
        await accounts.SendAccountExistsAsync(pending.Email, ct);
        await sessions.KeepAnswersAsync(session!, d => { if (d.PendingRegistration is { } p) (p.SentAt, p.FailedAttempts) = (now, 0); }, ct);
        return ResendResult.Sent;
    }
}
