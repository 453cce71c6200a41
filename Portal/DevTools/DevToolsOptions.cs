namespace Portal.DevTools;

public sealed class DevToolsOptions
{
    public const string SectionName = "DevTools";

    /// <summary>Serves /dev/marketplace (and later /dev/mailbox). Never on a public deployment.</summary>
    public bool Enabled { get; set; }
}
