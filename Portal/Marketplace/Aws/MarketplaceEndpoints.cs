namespace Portal.Marketplace.Aws;

/// <summary>Regional hosts of the Marketplace APIs; the China partition uses .amazonaws.com.cn.</summary>
public static class MarketplaceEndpoints
{
    public static bool IsChinaRegion(string region) => region.StartsWith("cn-", StringComparison.Ordinal);

    private static string Suffix(string region) => IsChinaRegion(region) ? "amazonaws.com.cn" : "amazonaws.com";

    public static Uri Metering(string region) => new($"https://metering.marketplace.{region}.{Suffix(region)}/");

    public static Uri Entitlement(string region) => new($"https://entitlement.marketplace.{region}.{Suffix(region)}/");
}
