namespace Portal.Localization;

/// <summary>Anchor type for the vendor console's strings in AdminResources(.zh-CN|.ja).resx, apart from the buyer's SharedResources.</summary>
public sealed class AdminResources;
