namespace Portal.DevTools;

public sealed class DevToolsOptions
{
    public const string SectionName = "DevTools";

    /// <summary>
    /// Serves /dev/* (the buyer-journey starter, the mailbox) and the simulated AWS under /_simulator. Start-up refuses it in
    /// Production; never on a public deployment.
    /// </summary>
    public bool Enabled { get; set; }
}
