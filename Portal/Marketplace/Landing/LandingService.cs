using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Landing;

/// <summary>Turns a registration token into an onboarding session, or into the reason it cannot.</summary>
public sealed class LandingService(
    IAmazonMarketplaceMetering metering, SubscriptionRegistrar registrar,
    IDbContextFactory<PortalDbContext> factory, IOptions<MarketplaceOptions> options, TimeProvider time, ILogger<LandingService> logger,
    Entitlements.EntitlementService entitlementStore)
{
    public const int MaxTokenLength = 4096;

    public async Task<LandingResult> LandAsync(string token, Guid? browserSessionId, CancellationToken ct)
    {
        // One deadline for every AWS call of this landing: the buyer is looking at a blank page meanwhile. Database
        // work keeps the request's own token, so a write is never cut short by AWS having been slow.
        using var deadline = new CancellationTokenSource(options.Value.LandingDeadline, time);
        using var aws = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        bool PastDeadline() => deadline.IsCancellationRequested && !ct.IsCancellationRequested;
        ResolveCustomerResponse customer;
        try
        {
            customer = await metering.ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = token }, aws.Token);
        }
        catch (OperationCanceledException) when (PastDeadline())
        {
            logger.LogWarning("ResolveCustomer did not answer within Marketplace:LandingDeadline ({Deadline})", options.Value.LandingDeadline);
            return new LandingResult.Failed(LandingProblem.Unavailable);
        }
        catch (InvalidTokenException) { return Fail(LandingProblem.InvalidToken, "invalid"); }
        catch (ExpiredCredentialsException)
        {
            // The portal's own keys, not the buyer's link (AwsCredentialsStatus logs it for the operator and /health/ready).
            logger.LogError("ResolveCustomer refused the portal's AWS credentials as expired; the buyer is told AWS is unavailable");
            return new LandingResult.Failed(LandingProblem.Unavailable);
        }
        catch (ExpiredTokenException)
        {
            // The same buyer submitted the same link again (a refresh, the back button) after AWS stopped accepting
            // it: their browser already holds the session that link started, so they continue there.
            if (await ResumableAsync(token, browserSessionId, ct) is { } resumed)
            {
                logger.LogInformation("An expired registration token was resubmitted by the browser holding its session; resumed");
                return new LandingResult.Started(resumed);
            }
            return Fail(LandingProblem.ExpiredToken, "expired");
        }
        catch (DisabledApiException ex)
        {
            logger.LogError("ResolveCustomer answered DisabledApiException ({Message}): the Metering API is disabled for this " +
                            "seller account or region; buyers cannot finish onboarding until it is enabled", ex.Message);
            await AuditAsync(AuditEventTypes.ResolveDisabledApi, ex.Message, ct);
            return new LandingResult.Failed(LandingProblem.ApiDisabled);
        }
        catch (Exception ex) when (ex is ThrottlingException or InternalServiceErrorException or MarketplaceUnavailableException)
        {
            logger.LogWarning("ResolveCustomer unavailable after retries: {Error}", ex is AmazonMarketplaceException a ? a.ErrorType : ex.Message);
            return new LandingResult.Failed(LandingProblem.Unavailable);
        }
        catch (AmazonMarketplaceException ex)
        {
            // Access denied, bad signature and the like: our configuration, not the buyer's fault.
            logger.LogError("ResolveCustomer failed with {ErrorType} ({Status}): {Message}", ex.ErrorType, (int)ex.StatusCode, ex.Message);
            return new LandingResult.Failed(LandingProblem.Unavailable);
        }

        if (string.IsNullOrEmpty(customer.ProductCode) || string.IsNullOrEmpty(customer.CustomerAWSAccountId) ||
            (string.IsNullOrEmpty(customer.LicenseArn) && string.IsNullOrEmpty(customer.CustomerIdentifier)))
        {
            logger.LogError("ResolveCustomer answered without a product, account or customer key");
            return new LandingResult.Failed(LandingProblem.Unavailable);
        }
        var product = options.Value.FindProduct(customer.ProductCode);
        if (product is null)
        {
            logger.LogError("ResolveCustomer returned product {ProductCode}, which is not in Marketplace:Products", customer.ProductCode);
            return new LandingResult.Failed(LandingProblem.UnknownProduct, customer.ProductCode);
        }

        var offer = DetectOffer(product);
        var sessionId = await registrar.RegisterAsync(customer, offer, HashToken(token), browserSessionId, ct);
        if (offer == OfferType.Contract)
        {
            // Store what was bought now, so the wizard can tell at once whether AWS has confirmed the contract.
            await using var db = factory.CreateDbContext();
            var subscriptionId = await db.OnboardingSessions.Where(s => s.Id == sessionId).Select(s => s.SubscriptionId).FirstAsync(ct);
            try
            {
                await entitlementStore.RefreshAsync(subscriptionId, aws.Token);
            }
            catch (OperationCanceledException) when (PastDeadline())
            {
                // The session exists: the wizard shows "waiting for AWS" and the refresh worker asks again later.
                logger.LogWarning("Entitlements not refreshed within Marketplace:LandingDeadline; the refresh worker will retry");
            }
        }
        logger.LogInformation("Landing resolved account {Account} for {ProductCode} ({Offer}); session {SessionId}",
            Mask(customer.CustomerAWSAccountId), customer.ProductCode, offer, sessionId);
        return new LandingResult.Started(sessionId);
    }

    /// <summary>
    /// A SaaS listing has one pricing model, so it decides the offer. (A GetEntitlements call here used to be made
    /// and its answer never changed the result; a contract's entitlements are read once, and stored, right after.)
    /// </summary>
    private static OfferType DetectOffer(MarketplaceProduct product) =>
        product.PricingModel == PricingModel.Payg ? OfferType.Payg : OfferType.Contract;

    private async Task<Guid?> ResumableAsync(string token, Guid? browserSessionId, CancellationToken ct)
    {
        if (browserSessionId is not { } id) return null;
        var hash = HashToken(token);
        await using var db = factory.CreateDbContext();
        return await db.OnboardingSessions.AsNoTracking().Where(s => s.Id == id && s.TokenHash == hash).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
    }

    private LandingResult Fail(LandingProblem problem, string what)
    {
        logger.LogInformation("Landing refused: the registration token was {What}", what);
        return new LandingResult.Failed(problem);
    }

    private async Task AuditAsync(string type, string details, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        db.AuditEvents.Add(new AuditEvent { Type = type, OccurredAt = time.GetUtcNow(), Actor = "aws", Details = details });
        await db.SaveChangesAsync(ct);
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string Mask(string? accountId) =>
        string.IsNullOrEmpty(accountId) || accountId.Length <= 4 ? "****" : new string('*', accountId.Length - 4) + accountId[^4..];
}
