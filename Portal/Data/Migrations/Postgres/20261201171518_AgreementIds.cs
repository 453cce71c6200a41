using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AgreementIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AgreementId",
                table: "MarketplaceSubscriptions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AgreementId",
                table: "MarketplaceNotifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_Agreement",
                table: "MarketplaceSubscriptions",
                column: "AgreementId",
                unique: true,
                filter: "\"AgreementId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceNotifications_AgreementId_AppliedAt",
                table: "MarketplaceNotifications",
                columns: new[] { "AgreementId", "AppliedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_Agreement",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_MarketplaceNotifications_AgreementId_AppliedAt",
                table: "MarketplaceNotifications");

            migrationBuilder.DropColumn(
                name: "AgreementId",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropColumn(
                name: "AgreementId",
                table: "MarketplaceNotifications");
        }
    }
}
