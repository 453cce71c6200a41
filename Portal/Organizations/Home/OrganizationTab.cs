namespace Portal.Organizations.Home;

/// <summary>The sections of an organization's home; Billing and API keys are for its admins.</summary>
public enum OrganizationTab { Overview, Billing, Members, Workspaces, ApiKeys }
