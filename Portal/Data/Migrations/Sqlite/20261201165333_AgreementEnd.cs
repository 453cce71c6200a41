using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AgreementEnd : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EndedAt",
                table: "MarketplaceSubscriptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "CK_Subscriptions_EndedIsEnding",
                table: "MarketplaceSubscriptions",
                sql: "\"EndedAt\" IS NULL OR \"Status\" IN ('PendingCancellation', 'Cancelled')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_Subscriptions_EndedIsEnding",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropColumn(
                name: "EndedAt",
                table: "MarketplaceSubscriptions");
        }
    }
}
