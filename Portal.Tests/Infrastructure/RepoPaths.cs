namespace Portal.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The clone's top folder (where Onboarding.sln is), found from the test binaries upwards.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Onboarding.sln"))) return dir.FullName;
        throw new InvalidOperationException("Onboarding.sln not found above " + AppContext.BaseDirectory);
    }
}
