using System.ComponentModel.DataAnnotations;

namespace Portal.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the portal starts (the embedded default; a pipeline step may do it instead).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
