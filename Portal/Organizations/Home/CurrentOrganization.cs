namespace Portal.Organizations.Home;

/// <summary>
/// The organization the page in view belongs to, for the header's switcher. Scoped to the circuit (or the request
/// while prerendering); the organization pages set it, every other page leaves it empty.
/// </summary>
public sealed class CurrentOrganization
{
    public Guid? Id { get; private set; }
    public event Action? Changed;

    public void Set(Guid? id)
    {
        if (Id == id) return;
        Id = id;
        Changed?.Invoke();
    }
}
