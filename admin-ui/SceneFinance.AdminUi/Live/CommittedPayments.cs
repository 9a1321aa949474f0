using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.SignalR;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// The payments' live figures: reads committed approvals and declines (handed over by <see cref="CommittedEvents"/>) and pushes
/// the figures they change to the pages of this host (<see cref="LiveFeed"/>, in-process) and through <see cref="DashboardHub"/>
/// to clients outside it: to group <c>platform</c> and to each tenant's group. Nothing here is told about payments by a request
/// handler; what was not committed is never counted. Names, kinds and zones come from the tenants' and terminals' grains
/// (<see cref="LiveLabels"/>).
/// </summary>
public sealed class CommittedPayments(
    IDocumentStore store, LiveFigures figures, LiveLabels labels, LiveFeed feed, IHubContext<DashboardHub> hub, TimeProvider clock) : ILiveReader
{
    readonly Dictionary<string, DateTimeOffset> _thresholdsRead = new();

    // Another host's settings page updates only its own memory: thresholds are read again once a minute.
    static readonly TimeSpan ThresholdsFreshFor = TimeSpan.FromMinutes(1);

    public static string TenantGroup(string tenantId) => "tenant:" + tenantId;

    public IReadOnlyCollection<string> Types { get; } = ["payment_approved", "payment_declined"];

    public async Task<IEnumerable<string>> Read(CommittedEvent e, CancellationToken ct)
    {
        figures.Record(await Fact(e.TenantId, e.Type, e.Data, e.CommittedAt, ct));
        return [LiveFigures.Platform, e.TenantId];
    }

    public IEnumerable<string> Rolling() => figures.ActiveScopes();

    async Task<PaymentFact> Fact(string tenantId, string type, string json, DateTimeOffset committedAt, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        var approved = type == "payment_approved";
        var terminalId = e.GetProperty("terminalId").GetString()!;
        var receivedAt = e.GetProperty(approved ? "approvedAt" : "declinedAt").GetDateTimeOffset();
        var tenant = await labels.Tenant(tenantId);
        var terminal = await labels.Terminal(tenantId, terminalId);
        if (!_thresholdsRead.TryGetValue(tenantId, out var read) || clock.GetUtcNow() - read > ThresholdsFreshFor)
        {
            figures.SetThresholds(tenantId, await AlertSettings.Load(store, tenantId, ct));
            _thresholdsRead[tenantId] = clock.GetUtcNow();
        }
        return new PaymentFact(tenantId, terminalId, approved, approved ? null : e.GetProperty("declineCode").GetString(),
            e.GetProperty("amount").GetInt64(), receivedAt, committedAt, $"{tenant.Kind}/{terminal.Kind}");
    }

    /// <summary>Pushes fresh figures of every scope that changed to its followers: this host's pages, and the hub's group.</summary>
    public async Task Push(IEnumerable<string> scopes, CancellationToken ct = default)
    {
        foreach (var scope in scopes.Distinct())
        {
            var snapshot = figures.Snapshot(scope);
            var group = scope == LiveFigures.Platform ? LiveFigures.Platform : TenantGroup(scope);
            await Task.WhenAll(feed.Publish(scope, snapshot), hub.Clients.Group(group).SendAsync("figures", snapshot, ct));
        }
    }
}
