using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

public static class DbErrors
{
    /// <summary>True when a save lost a race on a unique index (SQLite constraint error 19 / PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
