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
            if (IsOutage(e)) return true;
        return false;
    }

    // Narrow on purpose: a bug (bad SQL, a broken constraint) must stay a 500 and an error in the log, not pass for an outage.
    private static bool IsOutage(Exception e) => e switch
    {
        // SQLITE_BUSY, SQLITE_LOCKED (another connection holds the lock past the busy timeout), SQLITE_IOERR,
        // SQLITE_FULL, SQLITE_CANTOPEN (the file or its volume is gone).
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode is 5 or 6 or 10 or 13 or 14,
        // 55000: "database is not currently accepting connections" (ALLOW_CONNECTIONS false, as during maintenance).
        Npgsql.PostgresException p => p.IsTransient || p.SqlState == Npgsql.PostgresErrorCodes.ObjectNotInPrerequisiteState,
        // Not a server error: the connection could not be opened, was cut, or timed out.
        Npgsql.NpgsqlException n => n.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>The same for bulk statements (ExecuteUpdate), which throw the provider's exception unwrapped.</summary>
    public static bool IsUniqueViolation(Exception? ex) => ex switch
    {
        DbUpdateException u => IsUniqueViolation(u.InnerException),
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
