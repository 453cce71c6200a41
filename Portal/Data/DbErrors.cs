using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

public static class DbErrors
{
    /// <summary>True when a save lost a race on a unique index (SQLite constraint error 19 / PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => IsUniqueViolation(ex.InnerException);

    /// <summary>
    /// True when the database could not be reached or used just now (locked beyond the busy timeout, connection
    /// refused or cut, command timeout): the request may succeed if tried again, so callers keep what the user typed
    /// and say so, rather than failing the page. A constraint the data itself breaks is not an outage.
    /// </summary>
    public static bool IsUnavailable(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (IsUniqueViolation(e)) return false;
            if (e is System.Data.Common.DbException or TimeoutException) return true;
        }
        return false;
    }

    /// <summary>The same for bulk statements (ExecuteUpdate), which throw the provider's exception unwrapped.</summary>
    public static bool IsUniqueViolation(Exception? ex) => ex switch
    {
        DbUpdateException u => IsUniqueViolation(u.InnerException),
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
