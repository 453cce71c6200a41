using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ConcurrentAgreements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions");

            migrationBuilder.AddColumn<bool>(
                name: "ConcurrentAgreements",
                table: "MarketplaceSubscriptions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions",
                columns: new[] { "ProductCode", "CustomerAwsAccountId" },
                unique: true,
                filter: "\"OfferType\" = 'Payg' AND \"OrganizationId\" IS NOT NULL AND \"Status\" <> 'Cancelled' AND \"ConcurrentAgreements\" = FALSE");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropColumn(
                name: "ConcurrentAgreements",
                table: "MarketplaceSubscriptions");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions",
                columns: new[] { "ProductCode", "CustomerAwsAccountId" },
                unique: true,
                filter: "\"OfferType\" = 'Payg' AND \"OrganizationId\" IS NOT NULL AND \"Status\" <> 'Cancelled'");
        }
    }
}
