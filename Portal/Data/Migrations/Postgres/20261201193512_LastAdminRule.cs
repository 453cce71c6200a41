using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LastAdminRule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A trigger EF cannot express: the SQL lives with the rule (Organizations/Members/LastAdminRule.cs).
            migrationBuilder.Sql(Portal.Organizations.Members.LastAdminRule.PostgresUp);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Portal.Organizations.Members.LastAdminRule.PostgresDown);
        }
    }
}
