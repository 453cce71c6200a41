using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OrganizationHome : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "LinkedSubscriptionId",
                table: "Workspaces",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DisabledAt",
                table: "Organizations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Workspaces_LinkedSubscriptionId",
                table: "Workspaces",
                column: "LinkedSubscriptionId");

            migrationBuilder.AddForeignKey(
                name: "FK_Workspaces_MarketplaceSubscriptions_LinkedSubscriptionId",
                table: "Workspaces",
                column: "LinkedSubscriptionId",
                principalTable: "MarketplaceSubscriptions",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Workspaces_MarketplaceSubscriptions_LinkedSubscriptionId",
                table: "Workspaces");

            migrationBuilder.DropIndex(
                name: "IX_Workspaces_LinkedSubscriptionId",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "LinkedSubscriptionId",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "DisabledAt",
                table: "Organizations");
        }
    }
}
