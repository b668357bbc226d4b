using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeedbackSummaryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_feedback_items_tenant_id_cohort_id_kind_group_key",
                table: "feedback_items");

            migrationBuilder.DropIndex(
                name: "IX_feedback_tenant_id_cohort_id_created_on_sentiment",
                table: "feedback");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_tenant_id_cohort_id_kind_group_key_participant_id_id",
                table: "feedback_items",
                columns: new[] { "tenant_id", "cohort_id", "kind", "group_key", "participant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_tenant_id_cohort_id_created_on_sentiment_rating",
                table: "feedback",
                columns: new[] { "tenant_id", "cohort_id", "created_on", "sentiment", "rating" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_feedback_items_tenant_id_cohort_id_kind_group_key_participant_id_id",
                table: "feedback_items");

            migrationBuilder.DropIndex(
                name: "IX_feedback_tenant_id_cohort_id_created_on_sentiment_rating",
                table: "feedback");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_tenant_id_cohort_id_kind_group_key",
                table: "feedback_items",
                columns: new[] { "tenant_id", "cohort_id", "kind", "group_key" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_tenant_id_cohort_id_created_on_sentiment",
                table: "feedback",
                columns: new[] { "tenant_id", "cohort_id", "created_on", "sentiment" });
        }
    }
}
