using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

public static class DbErrors
{
    /// <summary>True when a save lost a race on a unique index (SQLite constraint error 19 / PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => IsUniqueViolation(ex.InnerException);

    /// <summary>The same for bulk statements (ExecuteUpdate), which throw the provider's exception unwrapped.</summary>
    public static bool IsUniqueViolation(Exception? ex) => ex switch
    {
        DbUpdateException u => IsUniqueViolation(u.InnerException),
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
