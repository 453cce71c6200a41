namespace Portal.Organizations.Members;

/// <summary>
/// "An organization that has an admin keeps one": a trigger on OrganizationMembers refuses an UPDATE or DELETE that
/// would leave such an organization without any admin, inside the same transaction, whichever code path writes.
/// EF cannot express triggers, so the migration LastAdminRule runs this SQL. Rows removed by a cascade (the
/// organization or the person's account being deleted) pass: the parent row is already gone when the trigger runs.
/// </summary>
public static class LastAdminRule
{
    /// <summary>The name both providers report: SQLite in the message, PostgreSQL as the constraint name.</summary>
    public const string Name = "organization_last_admin";

    public const string SqliteUp = """
        CREATE TRIGGER "organization_last_admin_update" AFTER UPDATE OF "Role" ON "OrganizationMembers"
        WHEN OLD."Role" = 'Admin' AND NEW."Role" <> 'Admin'
        BEGIN
            SELECT RAISE(ABORT, 'organization_last_admin')
            WHERE NOT EXISTS (SELECT 1 FROM "OrganizationMembers" WHERE "OrganizationId" = OLD."OrganizationId" AND "Role" = 'Admin');
        END;
        CREATE TRIGGER "organization_last_admin_delete" AFTER DELETE ON "OrganizationMembers"
        WHEN OLD."Role" = 'Admin'
        BEGIN
            SELECT RAISE(ABORT, 'organization_last_admin')
            WHERE NOT EXISTS (SELECT 1 FROM "OrganizationMembers" WHERE "OrganizationId" = OLD."OrganizationId" AND "Role" = 'Admin')
              AND EXISTS (SELECT 1 FROM "Organizations" WHERE "Id" = OLD."OrganizationId")
              AND EXISTS (SELECT 1 FROM "AspNetUsers" WHERE "Id" = OLD."UserId");
        END;
        """;

    public const string SqliteDown = """
        DROP TRIGGER IF EXISTS "organization_last_admin_update";
        DROP TRIGGER IF EXISTS "organization_last_admin_delete";
        """;

    // Two demotions of the two admins in parallel would each still see the other's admin row (READ COMMITTED sees
    // only committed rows), so the trigger first locks the organization's row: the second waits for the first to
    // commit, and its next query, with a fresh snapshot, sees that demotion. NO KEY UPDATE leaves foreign-key checks
    // (KEY SHARE) of new members and workspaces unblocked.
    public const string PostgresUp = """
        CREATE FUNCTION organization_last_admin() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD."Role" <> 'Admin' OR (TG_OP = 'UPDATE' AND NEW."Role" = 'Admin') THEN
                RETURN NULL;
            END IF;
            PERFORM 1 FROM "Organizations" WHERE "Id" = OLD."OrganizationId" FOR NO KEY UPDATE;
            IF NOT FOUND OR (TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "AspNetUsers" WHERE "Id" = OLD."UserId")) THEN
                RETURN NULL;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM "OrganizationMembers" WHERE "OrganizationId" = OLD."OrganizationId" AND "Role" = 'Admin') THEN
                RAISE EXCEPTION 'organization % would have no admin', OLD."OrganizationId"
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'organization_last_admin';
            END IF;
            RETURN NULL;
        END;
        $$;
        CREATE TRIGGER organization_last_admin AFTER UPDATE OF "Role" OR DELETE ON "OrganizationMembers"
            FOR EACH ROW EXECUTE FUNCTION organization_last_admin();
        """;

    public const string PostgresDown = """
        DROP TRIGGER IF EXISTS organization_last_admin ON "OrganizationMembers";
        DROP FUNCTION IF EXISTS organization_last_admin();
        """;

    /// <summary>True when a save was refused by the rule (SQLite: RAISE(ABORT) message; PostgreSQL: the constraint name).</summary>
    public static bool IsViolation(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is Microsoft.Data.Sqlite.SqliteException s && s.SqliteErrorCode == 19 && s.Message.Contains(Name, StringComparison.Ordinal)
                || e is Npgsql.PostgresException p && p.ConstraintName == Name)
                return true;
        return false;
    }
}
