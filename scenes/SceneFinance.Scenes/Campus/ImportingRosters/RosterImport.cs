using System.Text.Json.Serialization;

namespace SceneFinance.Scenes.Campus.ImportingRosters;

/// <summary>One roster import and how far it got (per tenant); the refused rows are kept for download. Progress is told through <see cref="CampusNews"/>.</summary>
public sealed class RosterImport
{
    public const string Students = "student";
    public const string Staff = "staff";

    public string Id { get; set; } = "";

    /// <summary>What the roster lists: students (the campus) or staff (the canteen's employees).</summary>
    public string Kind { get; set; } = Students;

    public string FileName { get; set; } = "";
    public string Status { get; set; } = "running";
    public int Total { get; set; }
    public int Processed { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    /// <summary>Of the updated rows, those whose new name or class reached the card holder; and the open bills that follow it.</summary>
    public int HoldersRenamed { get; set; }
    public int BillsRenamed { get; set; }
    /// <summary>Students the file marked as left whose card holder this import closed (see the leavers page).</summary>
    public int Closed { get; set; }
    public int RejectedCount { get; set; }
    public List<RejectedRow> Rejected { get; set; } = [];
    public string RequestedBy { get; set; } = "";
    public string? Failure { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long ElapsedMs { get; set; }

    public RosterImportView View(string tenantId) => new(Id, FileName, Status, Total, Processed, Created, Updated, Unchanged, RejectedCount, Failure,
        StartedAt, FinishedAt, ElapsedMs, Kind == Staff
            ? $"/api/v1/tenants/{tenantId}/canteen/staff-imports/{Id}/rejected.xlsx"
            : $"/api/v1/tenants/{tenantId}/campus/roster-imports/{Id}/rejected.xlsx", HoldersRenamed, BillsRenamed, Closed);
}

/// <summary>An import as the API and the import page show it: <see cref="Rejected"/> counts the refused rows, <see cref="RejectedRowsUrl"/> downloads them.</summary>
public sealed record RosterImportView(
    string Id, string FileName, string Status, int Total, int Processed, int Created, int Updated, int Unchanged, int Rejected, string? Failure,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long ElapsedMs, string RejectedRowsUrl, int HoldersRenamed = 0, int BillsRenamed = 0, int Closed = 0)
{
    [JsonIgnore] public bool Running => Status == "running";
}
