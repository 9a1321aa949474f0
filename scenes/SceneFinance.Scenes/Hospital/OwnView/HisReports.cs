using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Hospital.PostingOrders;

namespace SceneFinance.Scenes.Hospital.OwnView;

public sealed record HisReportRequest(string? ReportId, string? PatientId, string? MedicalCardNumber, string? VisitId, string? Title, DateTimeOffset? ReadyAt);

/// <summary>A report the HIS says is ready: its title, visit and time; never its content (the HIS keeps that).</summary>
public sealed record HisReportView(string ReportId, string PatientId, string VisitId, string Title, DateTimeOffset ReadyAt);

/// <summary>One "report available" entry, per tenant; the id is the posting HIS client's and its own report id.</summary>
public sealed class HisReport
{
    public string Id { get; set; } = "";
    public string ReportId { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string VisitId { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTimeOffset ReadyAt { get; set; }
    public string PostedBy { get; set; } = "";
    public DateTimeOffset PostedAt { get; set; }

    public HisReportView View() => new(ReportId, PatientId, VisitId, Title, ReadyAt);
}

/// <summary>
/// The HIS's report list (a stub of the real exchange): the HIS client posts that a report is ready, signed like its orders; the
/// patient's own view lists which are ready. The HIS's report id is the idempotency key: the same entry again replays the first
/// answer, another entry under that id is <c>idempotency_conflict</c>.
/// </summary>
public static class HisReports
{
    public static void Configure(StoreOptions opts) => opts.Schema.For<HisReport>().Index(r => r.PatientId);

    public static void MapHisReports(this IEndpointRouteBuilder api)
    {
        var his = api.MapGroup("/his").WithTags("Hospital").Caller(CallerKind.SystemClient);
        his.MapPost("/reports", async (HttpContext http, HisSignature signature, IGrainFactory grains, StreamWriters writers, TimeProvider clock) =>
            {
                var (client, body) = await signature.Verify(http.Request);
                return (await Post(grains, writers, client, JsonBody.Parse<HisReportRequest>(body), clock.GetUtcNow())).ToCreated(_ => "/api/v1/his/reports");
            })
            .Doc("postHisReport", "HIS: say a patient's report is available",
                "Signed by the HIS's system client. Only that a report is ready (title, visit, time), never its content. reportId (at most 64 characters) "
                + "is the idempotency key: the same entry again replays the first answer (201), another entry under it is 409 idempotency_conflict. "
                + "The patient is named by patientId or medicalCardNumber; readyAt defaults to now and may not be in the future.")
            .SignedBody<HisReportRequest>()
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }

    static async Task<Outcome<HisReportView>> Post(IGrainFactory grains, StreamWriters writers, HisClient client, HisReportRequest r, DateTimeOffset now)
    {
        new Validation()
            .Require(r.PatientId is not null || r.MedicalCardNumber is not null, "patientId", "Name the patient by patientId or medicalCardNumber.")
            .Text(r.ReportId, "reportId", 64).Text(r.VisitId, "visitId", 64).Text(r.Title, "title", 100)
            .Require(r.PatientId is null || r.PatientId.Length <= 64, "patientId", "patientId must be at most 64 characters.")
            .Require(r.MedicalCardNumber is null || r.MedicalCardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit),
                "medicalCardNumber", "medicalCardNumber must be 4 to 32 letters or digits.")
            .Require(r.ReadyAt is null || (r.ReadyAt <= now + TimeSpan.FromMinutes(5) && r.ReadyAt >= now - TimeSpan.FromDays(366)),
                "readyAt", "readyAt may not be in the future or more than a year ago.")
            .ThrowIfInvalid();
        var found = await HisOrderEndpoints.FindPatient(grains, client.TenantId, r.PatientId, r.MedicalCardNumber);
        if (found.Refusal is { } missing) return missing;
        var ticket = IdempotencyTicket.For($"his/{client.Id}", "report:" + r.ReportId, found.Value, r.VisitId, r.Title!.Trim(), r.ReadyAt?.ToUnixTimeMilliseconds());
        var report = new HisReport
        {
            Id = $"{client.Id}/{r.ReportId}", ReportId = r.ReportId!, PatientId = found.Value!, VisitId = r.VisitId!, Title = r.Title.Trim(),
            ReadyAt = r.ReadyAt ?? now, PostedBy = client.Id, PostedAt = now,
        };
        return await writers.Answer(client.TenantId, ticket, report.View(), now, [report]);
    }

    /// <summary>The reports ready for these patients, newest first.</summary>
    public static async Task<(IReadOnlyList<HisReportView> Items, long Total)> Of(IDocumentStore store, string tenantId, string[] patientIds, int page, int size)
    {
        if (patientIds.Length == 0) return ([], 0);
        await using var session = store.QuerySession(tenantId);
        var found = await session.Query<HisReport>().Where(r => patientIds.Contains(r.PatientId))
            .OrderByDescending(r => r.ReadyAt).ThenBy(r => r.Id).ToPagedListAsync(page + 1, size);
        return ([.. found.Select(r => r.View())], found.TotalItemCount);
    }
}
