using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Resubscription : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_Organization",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_Product_Customer",
                table: "MarketplaceSubscriptions");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions",
                columns: new[] { "ProductCode", "CustomerAwsAccountId" },
                unique: true,
                filter: "\"OfferType\" = 'Payg' AND \"OrganizationId\" IS NOT NULL AND \"Status\" NOT IN ('Cancelled', 'Failed') AND \"ConcurrentAgreements\" = FALSE");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_Organization",
                table: "MarketplaceSubscriptions",
                column: "OrganizationId",
                unique: true,
                filter: "\"OrganizationId\" IS NOT NULL AND \"Status\" NOT IN ('Cancelled', 'Failed')");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_Product_Customer",
                table: "MarketplaceSubscriptions",
                columns: new[] { "ProductCode", "CustomerIdentifier" },
                unique: true,
                filter: "\"LicenseArn\" IS NULL AND \"CustomerIdentifier\" IS NOT NULL AND \"Status\" <> 'Cancelled'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_Organization",
                table: "MarketplaceSubscriptions");

            migrationBuilder.DropIndex(
                name: "UX_Subscriptions_Product_Customer",
                table: "MarketplaceSubscriptions");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_OnePaygPerAccount",
                table: "MarketplaceSubscriptions",
                columns: new[] { "ProductCode", "CustomerAwsAccountId" },
                unique: true,
                filter: "\"OfferType\" = 'Payg' AND \"OrganizationId\" IS NOT NULL AND \"Status\" <> 'Cancelled' AND \"ConcurrentAgreements\" = FALSE");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_Organization",
                table: "MarketplaceSubscriptions",
                column: "OrganizationId",
                unique: true,
                filter: "\"OrganizationId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "UX_Subscriptions_Product_Customer",
                table: "MarketplaceSubscriptions",
                columns: new[] { "ProductCode", "CustomerIdentifier" },
                unique: true,
                filter: "\"LicenseArn\" IS NULL AND \"CustomerIdentifier\" IS NOT NULL");
        }
    }
}
