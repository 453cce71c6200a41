using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Marketplace.Simulator;

/// <summary>What the simulator should do when a token is resolved; chosen on /dev/marketplace.</summary>
public enum SimulatedFailure
{
    None, Expired, Invalid, ThrottleOnce, ThrottleForever, InternalErrorOnce, DisabledApi, Hang,
}

public enum SimulatedOffer { Payg, Contract }

/// <summary>A sealed registration token's content.</summary>
/// <param name="Agreement">
/// Set for another purchase of a product the account already holds (Concurrent Agreements): its own license. Null is
/// the account's first purchase, the one every earlier token meant.
/// </param>
public sealed record SimulatorToken(
    string ProductCode, SimulatedOffer Offer, string AccountId, SimulatedFailure Failure, bool Legacy,
    DateTimeOffset ExpiresAt, string Nonce, string? Agreement = null);

/// <summary>
/// Mints registration tokens that carry their own subscription, sealed with data protection so they survive a
/// restart and cannot be forged by hand, like AWS's opaque tokens.
/// </summary>
public sealed class SimulatorTokens(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly IDataProtector protector = protection.CreateProtector("Portal.Marketplace.Simulator.RegistrationToken");

    public string Mint(string productCode, SimulatedOffer offer, string accountId, SimulatedFailure failure = SimulatedFailure.None, bool legacy = false,
        bool newAgreement = false)
    {
        if (failure == SimulatedFailure.Invalid)
            return Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)); // looks like a token, is not one
        var expires = failure == SimulatedFailure.Expired ? time.GetUtcNow().AddMinutes(-5) : time.GetUtcNow().Add(Lifetime);
        var token = new SimulatorToken(productCode, offer, accountId, failure, legacy, expires,
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), newAgreement ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) : null);
        return protector.Protect(JsonSerializer.Serialize(token));
    }

    public SimulatorToken? Read(string token)
    {
        try
        {
            return JsonSerializer.Deserialize<SimulatorToken>(protector.Unprotect(token));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    public static string NewAccountId() =>
        string.Concat(Enumerable.Range(0, 12).Select(i => (char)('0' + RandomNumberGenerator.GetInt32(i == 0 ? 1 : 0, 10))));
}
