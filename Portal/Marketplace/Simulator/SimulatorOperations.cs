using System.Text.Json;
using Portal.Marketplace.Aws;

namespace Portal.Marketplace.Simulator;

internal static class SimulatorOperations
{
    /// <summary>AWS's metering window today (older documents say 6 hours), and a closed month's cutoff: 06:00 UTC on the 1st.</summary>
    private static readonly TimeSpan MeteringWindow = TimeSpan.FromHours(24);
    private static readonly TimeSpan MonthEndGrace = TimeSpan.FromHours(6);

    private static bool OutOfBounds(DateTimeOffset timestamp, DateTimeOffset now)
    {
        var t = timestamp.ToUniversalTime();
        var nextMonth = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        return t <= now - MeteringWindow || t > now.AddMinutes(5) || now >= nextMonth + MonthEndGrace;
    }

    public static async Task<IResult> ResolveCustomerAsync(SimulatorTokens tokens, SimulatorState state, TimeProvider time, JsonElement body,
        string region, CancellationToken ct)
    {
        var raw = body.TryGetProperty("RegistrationToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (string.IsNullOrEmpty(raw))
            return SimulatorEndpoints.Error(400, "InvalidTokenException", "RegistrationToken is required.");
        var token = tokens.Read(raw);
        if (token is null) return SimulatorEndpoints.Error(400, "InvalidTokenException", "Registration token is invalid.");

        switch (token.Failure)
        {
            case SimulatedFailure.ThrottleForever:
            case SimulatedFailure.ThrottleOnce when state.ServeFailure(token.Nonce) == 1:
                return SimulatorEndpoints.Error(400, "ThrottlingException", "Rate exceeded.");
            case SimulatedFailure.InternalErrorOnce when state.ServeFailure(token.Nonce) == 1:
                return SimulatorEndpoints.Error(500, "InternalServiceErrorException", "An internal error occurred.");
            case SimulatedFailure.DisabledApi:
                return SimulatorEndpoints.Error(400, "DisabledApiException", "The API is not available in this region.");
            case SimulatedFailure.Hang:
                // Answer nothing for as long as the caller waits (bounded, so a forgotten request ends by itself).
                try { await Task.Delay(TimeSpan.FromMinutes(2), ct); } catch (OperationCanceledException) { }
                return SimulatorEndpoints.Error(500, "InternalServiceErrorException", "Timed out.");
        }
        if (token.ExpiresAt < time.GetUtcNow())
            return SimulatorEndpoints.Error(400, "ExpiredTokenException", "Registration token has expired.");

        var license = state.Subscribe(token, MarketplaceEndpoints.IsChinaRegion(region));
        return SimulatorEndpoints.Ok(new ResolveCustomerResponse
        {
            ProductCode = license.ProductCode,
            CustomerAWSAccountId = license.AccountId,
            // New integrations get the license ARN and no customer identifier; legacy ones both, as AWS answers them now
            // (https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/API_ResolveCustomer.html).
            LicenseArn = license.LicenseArn,
            CustomerIdentifier = token.Legacy ? license.CustomerIdentifier : null,
        });
    }

    public static IResult BatchMeterUsage(SimulatorState state, TimeProvider time, JsonElement body)
    {
        var now = time.GetUtcNow();
        BatchMeterUsageRequest? request;
        try { request = body.Deserialize<BatchMeterUsageRequest>(AwsJsonTransport.Json); }
        catch (JsonException ex) { return SimulatorEndpoints.Error(400, "SerializationException", ex.Message); }
        IResult Refuse(int status, string type, string message)
        {
            state.RecordCall(new(now, request?.ProductCode ?? "", request?.UsageRecords.Count ?? 0, type));
            return SimulatorEndpoints.Error(status, type, message);
        }
        if (request is null || string.IsNullOrEmpty(request.ProductCode) || !state.SellsProduct(request.ProductCode))
            return Refuse(400, "InvalidProductCodeException", "Unknown product code.");
        if (request.UsageRecords.Count is 0 or > 25)
            return Refuse(400, "InvalidParameterException", "UsageRecords must hold 1 to 25 records.");
        if (state.TakeThrottle()) return Refuse(400, "ThrottlingException", "Rate exceeded.");
        if (request.UsageRecords.Any(r => OutOfBounds(r.Timestamp, now)))
            return Refuse(400, "TimestampOutOfBoundsException", "A timestamp is outside the accepted window.");
        // AWS's allocation rules: the buckets add up to the record's quantity, 1 to 5 tags of 1-100 / 1-256 characters
        // (https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_UsageAllocation.html).
        if (request.UsageRecords.Any(r => r.UsageAllocations is { } a && (a.Count is 0 or > 2500 || a.Sum(x => (long)x.AllocatedUsageQuantity) != (r.Quantity ?? 0))))
            return Refuse(400, "InvalidUsageAllocationsException", "The sum of the allocations does not match the record's quantity.");
        if (request.UsageRecords.Any(r => r.UsageAllocations?.Any(a => a.Tags is { } t && (t.Count is 0 or > 5
                || t.Any(x => x.Key.Length is 0 or > 100 || x.Value.Length is 0 or > 256))) == true))
            return Refuse(400, "InvalidTagException", "A tag is invalid.");
        if (state.RejectedDimension is { } bad && request.UsageRecords.Any(r => r.Dimension == bad))
            return Refuse(400, "InvalidUsageDimensionException", $"Dimension {bad} is not defined for the product.");

        var response = new BatchMeterUsageResponse();
        var records = request.UsageRecords;
        if (state.TakeUnprocessed())
        {
            var half = (records.Count + 1) / 2;
            response.UnprocessedRecords.AddRange(records.Skip(half));
            records = [.. records.Take(half)];
        }
        foreach (var r in records)
        {
            var (status, id) = state.IsSubscribed(request.ProductCode, r) ? state.Meter(request.ProductCode, r) : (UsageRecordResultStatus.CustomerNotSubscribed, (string?)null);
            response.Results.Add(new UsageRecordResult { UsageRecord = r, Status = status, MeteringRecordId = id });
        }
        state.RecordCall(new(now, request.ProductCode, request.UsageRecords.Count,
            string.Join(", ", response.Results.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}")
                .Append(response.UnprocessedRecords.Count > 0 ? $"Unprocessed {response.UnprocessedRecords.Count}" : null).OfType<string>())));
        return SimulatorEndpoints.Ok(response);
    }

    public static IResult GetEntitlements(SimulatorState state, JsonElement body)
    {
        GetEntitlementsRequest? request;
        try { request = body.Deserialize<GetEntitlementsRequest>(AwsJsonTransport.Json); }
        catch (JsonException ex) { return SimulatorEndpoints.Error(400, "SerializationException", ex.Message); }
        if (request is null || string.IsNullOrEmpty(request.ProductCode))
            return SimulatorEndpoints.Error(400, "InvalidParameterException", "ProductCode is required.");
        var max = Math.Clamp(request.MaxResults ?? 25, 1, 25);
        var filter = request.Filter ?? [];
        bool Match(string name, string value) => !filter.TryGetValue(name, out var allowed) || allowed.Contains(value);
        var all = state.Licenses(request.ProductCode)
            .Where(l => l.Offer == SimulatedOffer.Contract)
            .Where(l => Match(GetEntitlementFilterName.LicenseArn, l.LicenseArn) && Match(GetEntitlementFilterName.CustomerAwsAccountId, l.AccountId)
                        && Match(GetEntitlementFilterName.CustomerIdentifier, l.CustomerIdentifier))
            .OrderBy(l => l.LicenseArn, StringComparer.Ordinal)
            .SelectMany(l => state.EntitlementsOf(l.LicenseArn) ?? [new Entitlement
            {
                ProductCode = l.ProductCode, Dimension = "Standard", CustomerAWSAccountId = l.AccountId, LicenseArn = l.LicenseArn,
                CustomerIdentifier = l.CustomerIdentifier, Value = new EntitlementValue { IntegerValue = 1 }, ExpirationDate = l.ExpiresAt,
            }])
            .Where(e => Match(GetEntitlementFilterName.Dimension, e.Dimension!))
            .ToList();
        var start = int.TryParse(request.NextToken, out var s) && s >= 0 ? s : 0;
        var page = all.Skip(start).Take(max).ToList();
        return SimulatorEndpoints.Ok(new GetEntitlementsResponse
        {
            Entitlements = page,
            NextToken = start + max < all.Count ? (start + max).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        });
    }
}
