namespace Portal.Localization;

/// <summary>Anchor type for the portal-wide strings in SharedResources(.zh-CN|.ja).resx.</summary>
public sealed class SharedResources;
