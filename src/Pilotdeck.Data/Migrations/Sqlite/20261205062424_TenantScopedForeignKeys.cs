using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TenantScopedForeignKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_approval_votes_approval_requests_approval_id",
                table: "approval_votes");

            migrationBuilder.DropForeignKey(
                name: "FK_approval_votes_tenants_tenant_id",
                table: "approval_votes");

            migrationBuilder.DropForeignKey(
                name: "FK_attachments_participants_participant_id",
                table: "attachments");

            migrationBuilder.DropForeignKey(
                name: "FK_attachments_tenants_tenant_id",
                table: "attachments");

            migrationBuilder.DropForeignKey(
                name: "FK_attachments_uat_sessions_session_id",
                table: "attachments");

            migrationBuilder.DropForeignKey(
                name: "FK_backlog_items_cohorts_cohort_id",
                table: "backlog_items");

            migrationBuilder.DropForeignKey(
                name: "FK_backlog_items_tenants_tenant_id",
                table: "backlog_items");

            migrationBuilder.DropForeignKey(
                name: "FK_backlog_links_backlog_items_item_id",
                table: "backlog_links");

            migrationBuilder.DropForeignKey(
                name: "FK_backlog_links_tenants_tenant_id",
                table: "backlog_links");

            migrationBuilder.DropForeignKey(
                name: "FK_changelog_entries_backlog_items_item_id",
                table: "changelog_entries");

            migrationBuilder.DropForeignKey(
                name: "FK_changelog_entries_cohorts_cohort_id",
                table: "changelog_entries");

            migrationBuilder.DropForeignKey(
                name: "FK_changelog_entries_tenants_tenant_id",
                table: "changelog_entries");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_cohorts_cohort_id",
                table: "feedback");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_participants_participant_id",
                table: "feedback");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_tenants_tenant_id",
                table: "feedback");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_blocker_counts_cohorts_cohort_id",
                table: "feedback_blocker_counts");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_blocker_counts_tenants_tenant_id",
                table: "feedback_blocker_counts");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_counts_cohorts_cohort_id",
                table: "feedback_counts");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_counts_tenants_tenant_id",
                table: "feedback_counts");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_items_feedback_feedback_id",
                table: "feedback_items");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_items_tenants_tenant_id",
                table: "feedback_items");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_reports_cohorts_cohort_id",
                table: "feedback_reports");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_reports_tenants_tenant_id",
                table: "feedback_reports");

            migrationBuilder.DropForeignKey(
                name: "FK_import_chunks_imports_import_id",
                table: "import_chunks");

            migrationBuilder.DropForeignKey(
                name: "FK_import_chunks_tenants_tenant_id",
                table: "import_chunks");

            migrationBuilder.DropForeignKey(
                name: "FK_import_rows_imports_import_id",
                table: "import_rows");

            migrationBuilder.DropForeignKey(
                name: "FK_import_rows_tenants_tenant_id",
                table: "import_rows");

            migrationBuilder.DropForeignKey(
                name: "FK_participant_notes_participants_participant_id",
                table: "participant_notes");

            migrationBuilder.DropForeignKey(
                name: "FK_participant_notes_tenants_tenant_id",
                table: "participant_notes");

            migrationBuilder.DropForeignKey(
                name: "FK_participant_status_changes_participants_participant_id",
                table: "participant_status_changes");

            migrationBuilder.DropForeignKey(
                name: "FK_participant_status_changes_tenants_tenant_id",
                table: "participant_status_changes");

            migrationBuilder.DropForeignKey(
                name: "FK_participants_cohorts_cohort_id",
                table: "participants");

            migrationBuilder.DropForeignKey(
                name: "FK_participants_tenants_tenant_id",
                table: "participants");

            migrationBuilder.DropForeignKey(
                name: "FK_sentiment_alerts_cohorts_cohort_id",
                table: "sentiment_alerts");

            migrationBuilder.DropForeignKey(
                name: "FK_sentiment_alerts_tenants_tenant_id",
                table: "sentiment_alerts");

            migrationBuilder.DropForeignKey(
                name: "FK_uat_sessions_participants_participant_id",
                table: "uat_sessions");

            migrationBuilder.DropForeignKey(
                name: "FK_uat_sessions_tenants_tenant_id",
                table: "uat_sessions");

            migrationBuilder.DropIndex(
                name: "IX_uat_sessions_participant_id",
                table: "uat_sessions");

            migrationBuilder.DropIndex(
                name: "IX_sentiment_alerts_cohort_id",
                table: "sentiment_alerts");

            migrationBuilder.DropIndex(
                name: "IX_participants_cohort_id",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "IX_participants_tenant_id_cohort_id_natural_key",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "IX_participant_status_changes_participant_id",
                table: "participant_status_changes");

            migrationBuilder.DropIndex(
                name: "IX_participant_notes_participant_id",
                table: "participant_notes");

            migrationBuilder.DropIndex(
                name: "IX_import_rows_import_id",
                table: "import_rows");

            migrationBuilder.DropIndex(
                name: "IX_import_chunks_import_id",
                table: "import_chunks");

            migrationBuilder.DropIndex(
                name: "IX_feedback_reports_cohort_id",
                table: "feedback_reports");

            migrationBuilder.DropIndex(
                name: "IX_feedback_items_feedback_id",
                table: "feedback_items");

            migrationBuilder.DropIndex(
                name: "IX_feedback_counts_cohort_id",
                table: "feedback_counts");

            migrationBuilder.DropIndex(
                name: "IX_feedback_blocker_counts_cohort_id",
                table: "feedback_blocker_counts");

            migrationBuilder.DropIndex(
                name: "IX_feedback_cohort_id",
                table: "feedback");

            migrationBuilder.DropIndex(
                name: "IX_feedback_participant_id",
                table: "feedback");

            migrationBuilder.DropIndex(
                name: "IX_changelog_entries_cohort_id",
                table: "changelog_entries");

            migrationBuilder.DropIndex(
                name: "IX_changelog_entries_item_id",
                table: "changelog_entries");

            migrationBuilder.DropIndex(
                name: "IX_backlog_links_item_id",
                table: "backlog_links");

            migrationBuilder.DropIndex(
                name: "IX_backlog_items_cohort_id",
                table: "backlog_items");

            migrationBuilder.DropIndex(
                name: "IX_attachments_participant_id",
                table: "attachments");

            migrationBuilder.DropIndex(
                name: "IX_attachments_session_id",
                table: "attachments");

            migrationBuilder.DropIndex(
                name: "IX_approval_votes_tenant_id",
                table: "approval_votes");

            migrationBuilder.CreateIndex(
                name: "IX_participants_tenant_id_natural_key_cohort_id",
                table: "participants",
                columns: new[] { "tenant_id", "natural_key", "cohort_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_tenant_id_cohort_id",
                table: "changelog_entries",
                columns: new[] { "tenant_id", "cohort_id" });

            migrationBuilder.CreateIndex(
                name: "IX_attachments_tenant_id_session_id",
                table: "attachments",
                columns: new[] { "tenant_id", "session_id" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_votes_tenant_id_approval_id",
                table: "approval_votes",
                columns: new[] { "tenant_id", "approval_id" });

            migrationBuilder.AddForeignKey(
                name: "FK_approval_votes_approval_requests_tenant_id_approval_id",
                table: "approval_votes",
                columns: new[] { "tenant_id", "approval_id" },
                principalTable: "approval_requests",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_attachments_participants_tenant_id_participant_id",
                table: "attachments",
                columns: new[] { "tenant_id", "participant_id" },
                principalTable: "participants",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_attachments_uat_sessions_tenant_id_session_id",
                table: "attachments",
                columns: new[] { "tenant_id", "session_id" },
                principalTable: "uat_sessions",
                principalColumns: new[] { "tenant_id", "id" });

            migrationBuilder.AddForeignKey(
                name: "FK_backlog_items_cohorts_tenant_id_cohort_id",
                table: "backlog_items",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_backlog_links_backlog_items_tenant_id_item_id",
                table: "backlog_links",
                columns: new[] { "tenant_id", "item_id" },
                principalTable: "backlog_items",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_changelog_entries_backlog_items_tenant_id_item_id",
                table: "changelog_entries",
                columns: new[] { "tenant_id", "item_id" },
                principalTable: "backlog_items",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_changelog_entries_cohorts_tenant_id_cohort_id",
                table: "changelog_entries",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" });

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_cohorts_tenant_id_cohort_id",
                table: "feedback",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" });

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_participants_tenant_id_participant_id",
                table: "feedback",
                columns: new[] { "tenant_id", "participant_id" },
                principalTable: "participants",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_blocker_counts_cohorts_tenant_id_cohort_id",
                table: "feedback_blocker_counts",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_counts_cohorts_tenant_id_cohort_id",
                table: "feedback_counts",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_items_feedback_tenant_id_feedback_id",
                table: "feedback_items",
                columns: new[] { "tenant_id", "feedback_id" },
                principalTable: "feedback",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_reports_cohorts_tenant_id_cohort_id",
                table: "feedback_reports",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_import_chunks_imports_tenant_id_import_id",
                table: "import_chunks",
                columns: new[] { "tenant_id", "import_id" },
                principalTable: "imports",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_import_rows_imports_tenant_id_import_id",
                table: "import_rows",
                columns: new[] { "tenant_id", "import_id" },
                principalTable: "imports",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participant_notes_participants_tenant_id_participant_id",
                table: "participant_notes",
                columns: new[] { "tenant_id", "participant_id" },
                principalTable: "participants",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participant_status_changes_participants_tenant_id_participant_id",
                table: "participant_status_changes",
                columns: new[] { "tenant_id", "participant_id" },
                principalTable: "participants",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participants_cohorts_tenant_id_cohort_id",
                table: "participants",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_sentiment_alerts_cohorts_tenant_id_cohort_id",
                table: "sentiment_alerts",
                columns: new[] { "tenant_id", "cohort_id" },
                principalTable: "cohorts",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_uat_sessions_participants_tenant_id_participant_id",
                table: "uat_sessions",
                columns: new[] { "tenant_id", "participant_id" },
                principalTable: "participants",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_approval_votes_approval_requests_tenant_id_approval_id",
                table: "approval_votes");

            migrationBuilder.DropForeignKey(
                name: "FK_attachments_participants_tenant_id_participant_id",
                table: "attachments");

            migrationBuilder.DropForeignKey(
                name: "FK_attachments_uat_sessions_tenant_id_session_id",
                table: "attachments");

            migrationBuilder.DropForeignKey(
                name: "FK_backlog_items_cohorts_tenant_id_cohort_id",
                table: "backlog_items");

            migrationBuilder.DropForeignKey(
                name: "FK_backlog_links_backlog_items_tenant_id_item_id",
                table: "backlog_links");

            migrationBuilder.DropForeignKey(
                name: "FK_changelog_entries_backlog_items_tenant_id_item_id",
                table: "changelog_entries");

            migrationBuilder.DropForeignKey(
                name: "FK_changelog_entries_cohorts_tenant_id_cohort_id",
                table: "changelog_entries");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_cohorts_tenant_id_cohort_id",
                table: "feedback");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_participants_tenant_id_participant_id",
                table: "feedback");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_blocker_counts_cohorts_tenant_id_cohort_id",
                table: "feedback_blocker_counts");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_counts_cohorts_tenant_id_cohort_id",
                table: "feedback_counts");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_items_feedback_tenant_id_feedback_id",
                table: "feedback_items");

            migrationBuilder.DropForeignKey(
                name: "FK_feedback_reports_cohorts_tenant_id_cohort_id",
                table: "feedback_reports");

            migrationBuilder.DropForeignKey(
                name: "FK_import_chunks_imports_tenant_id_import_id",
                table: "import_chunks");

            migrationBuilder.DropForeignKey(
                name: "FK_import_rows_imports_tenant_id_import_id",
                table: "import_rows");

            migrationBuilder.DropForeignKey(
                name: "FK_participant_notes_participants_tenant_id_participant_id",
                table: "participant_notes");

            migrationBuilder.DropForeignKey(
                name: "FK_participant_status_changes_participants_tenant_id_participant_id",
                table: "participant_status_changes");

            migrationBuilder.DropForeignKey(
                name: "FK_participants_cohorts_tenant_id_cohort_id",
                table: "participants");

            migrationBuilder.DropForeignKey(
                name: "FK_sentiment_alerts_cohorts_tenant_id_cohort_id",
                table: "sentiment_alerts");

            migrationBuilder.DropForeignKey(
                name: "FK_uat_sessions_participants_tenant_id_participant_id",
                table: "uat_sessions");

            migrationBuilder.DropIndex(
                name: "IX_participants_tenant_id_natural_key_cohort_id",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "IX_changelog_entries_tenant_id_cohort_id",
                table: "changelog_entries");

            migrationBuilder.DropIndex(
                name: "IX_attachments_tenant_id_session_id",
                table: "attachments");

            migrationBuilder.DropIndex(
                name: "IX_approval_votes_tenant_id_approval_id",
                table: "approval_votes");

            migrationBuilder.CreateIndex(
                name: "IX_uat_sessions_participant_id",
                table: "uat_sessions",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_sentiment_alerts_cohort_id",
                table: "sentiment_alerts",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_participants_cohort_id",
                table: "participants",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_participants_tenant_id_cohort_id_natural_key",
                table: "participants",
                columns: new[] { "tenant_id", "cohort_id", "natural_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_participant_status_changes_participant_id",
                table: "participant_status_changes",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_participant_notes_participant_id",
                table: "participant_notes",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_import_rows_import_id",
                table: "import_rows",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "IX_import_chunks_import_id",
                table: "import_chunks",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_reports_cohort_id",
                table: "feedback_reports",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_feedback_id",
                table: "feedback_items",
                column: "feedback_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_counts_cohort_id",
                table: "feedback_counts",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_blocker_counts_cohort_id",
                table: "feedback_blocker_counts",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_cohort_id",
                table: "feedback",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_participant_id",
                table: "feedback",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_cohort_id",
                table: "changelog_entries",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_item_id",
                table: "changelog_entries",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "IX_backlog_links_item_id",
                table: "backlog_links",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "IX_backlog_items_cohort_id",
                table: "backlog_items",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_attachments_participant_id",
                table: "attachments",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_attachments_session_id",
                table: "attachments",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "IX_approval_votes_tenant_id",
                table: "approval_votes",
                column: "tenant_id");

            migrationBuilder.AddForeignKey(
                name: "FK_approval_votes_approval_requests_approval_id",
                table: "approval_votes",
                column: "approval_id",
                principalTable: "approval_requests",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_approval_votes_tenants_tenant_id",
                table: "approval_votes",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_attachments_participants_participant_id",
                table: "attachments",
                column: "participant_id",
                principalTable: "participants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_attachments_tenants_tenant_id",
                table: "attachments",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_attachments_uat_sessions_session_id",
                table: "attachments",
                column: "session_id",
                principalTable: "uat_sessions",
                principalColumn: "id");

            migrationBuilder.AddForeignKey(
                name: "FK_backlog_items_cohorts_cohort_id",
                table: "backlog_items",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_backlog_items_tenants_tenant_id",
                table: "backlog_items",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_backlog_links_backlog_items_item_id",
                table: "backlog_links",
                column: "item_id",
                principalTable: "backlog_items",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_backlog_links_tenants_tenant_id",
                table: "backlog_links",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_changelog_entries_backlog_items_item_id",
                table: "changelog_entries",
                column: "item_id",
                principalTable: "backlog_items",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_changelog_entries_cohorts_cohort_id",
                table: "changelog_entries",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id");

            migrationBuilder.AddForeignKey(
                name: "FK_changelog_entries_tenants_tenant_id",
                table: "changelog_entries",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_cohorts_cohort_id",
                table: "feedback",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id");

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_participants_participant_id",
                table: "feedback",
                column: "participant_id",
                principalTable: "participants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_tenants_tenant_id",
                table: "feedback",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_blocker_counts_cohorts_cohort_id",
                table: "feedback_blocker_counts",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_blocker_counts_tenants_tenant_id",
                table: "feedback_blocker_counts",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_counts_cohorts_cohort_id",
                table: "feedback_counts",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_counts_tenants_tenant_id",
                table: "feedback_counts",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_items_feedback_feedback_id",
                table: "feedback_items",
                column: "feedback_id",
                principalTable: "feedback",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_items_tenants_tenant_id",
                table: "feedback_items",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_reports_cohorts_cohort_id",
                table: "feedback_reports",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_feedback_reports_tenants_tenant_id",
                table: "feedback_reports",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_import_chunks_imports_import_id",
                table: "import_chunks",
                column: "import_id",
                principalTable: "imports",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_import_chunks_tenants_tenant_id",
                table: "import_chunks",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_import_rows_imports_import_id",
                table: "import_rows",
                column: "import_id",
                principalTable: "imports",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_import_rows_tenants_tenant_id",
                table: "import_rows",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participant_notes_participants_participant_id",
                table: "participant_notes",
                column: "participant_id",
                principalTable: "participants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participant_notes_tenants_tenant_id",
                table: "participant_notes",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participant_status_changes_participants_participant_id",
                table: "participant_status_changes",
                column: "participant_id",
                principalTable: "participants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participant_status_changes_tenants_tenant_id",
                table: "participant_status_changes",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participants_cohorts_cohort_id",
                table: "participants",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_participants_tenants_tenant_id",
                table: "participants",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_sentiment_alerts_cohorts_cohort_id",
                table: "sentiment_alerts",
                column: "cohort_id",
                principalTable: "cohorts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_sentiment_alerts_tenants_tenant_id",
                table: "sentiment_alerts",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_uat_sessions_participants_participant_id",
                table: "uat_sessions",
                column: "participant_id",
                principalTable: "participants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_uat_sessions_tenants_tenant_id",
                table: "uat_sessions",
                column: "tenant_id",
                principalTable: "tenants",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
