namespace SceneFinance.Scenes.Campus.ImportingRosters;

/// <summary>One roster import and how far it got (per tenant): the admin page polls it; the refused rows are kept for download.</summary>
public sealed class RosterImport
{
    public string Id { get; set; } = "";
    public string FileName { get; set; } = "";
    public string Status { get; set; } = "running";
    public int Total { get; set; }
    public int Processed { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int RejectedCount { get; set; }
    public List<RejectedRow> Rejected { get; set; } = [];
    public string RequestedBy { get; set; } = "";
    public string? Failure { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long ElapsedMs { get; set; }

    public object View(string tenantId) => new
    {
        id = Id, fileName = FileName, status = Status, total = Total, processed = Processed, created = Created, updated = Updated,
        unchanged = Unchanged, rejected = RejectedCount, failure = Failure, startedAt = StartedAt, finishedAt = FinishedAt, elapsedMs = ElapsedMs,
        rejectedRowsUrl = $"/api/v1/tenants/{tenantId}/campus/roster-imports/{Id}/rejected.xlsx",
    };
}
