using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EmailOutboxClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EmailMessages_Status_NextAttemptAt",
                table: "EmailMessages");

            migrationBuilder.AddColumn<Guid>(
                name: "ClaimToken",
                table: "EmailMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClaimedUntil",
                table: "EmailMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_EmailMessages_ClaimToken",
                table: "EmailMessages",
                column: "ClaimToken");

            migrationBuilder.CreateIndex(
                name: "IX_EmailMessages_Due",
                table: "EmailMessages",
                columns: new[] { "CreatedAt", "NextAttemptAt", "ClaimedUntil" },
                filter: "\"Status\" = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EmailMessages_ClaimToken",
                table: "EmailMessages");

            migrationBuilder.DropIndex(
                name: "IX_EmailMessages_Due",
                table: "EmailMessages");

            migrationBuilder.DropColumn(
                name: "ClaimToken",
                table: "EmailMessages");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "EmailMessages");

            migrationBuilder.CreateIndex(
                name: "IX_EmailMessages_Status_NextAttemptAt",
                table: "EmailMessages",
                columns: new[] { "Status", "NextAttemptAt" });
        }
    }
}
