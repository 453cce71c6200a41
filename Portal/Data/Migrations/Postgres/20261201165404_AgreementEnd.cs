using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AgreementEnd : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EndedAt",
                table: "MarketplaceSubscriptions",
                type: "timestamp with time zone",
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
