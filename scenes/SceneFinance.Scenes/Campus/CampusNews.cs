using Microsoft.Extensions.Logging;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.ImportingRosters;

namespace SceneFinance.Scenes.Campus;

/// <summary>
/// What the campus writers of this host have just committed, for the pages open on it (STYLE.md 8): a bill's new state (told by
/// the bill grain after its commit), a roster import's progress (after each saved batch), a gate tap (after it is stored). Pages
/// subscribe instead of polling. In-process: a page hears of the commits made on its own host (one host today; a cluster would
/// put a stream or a grain observer here, the pages would not change).
/// </summary>
public sealed class CampusNews(ILogger<CampusNews> log)
{
    readonly Lock _lock = new();
    readonly List<Action<string, BillView>> _bills = [];
    readonly List<Action<string, RosterImportView>> _imports = [];
    readonly List<Action<string, DateOnly>> _taps = [];

    /// <summary>Hears of every committed bill change (tenant id, the bill after it); dispose to stop.</summary>
    public IDisposable OnBill(Action<string, BillView> listener) => Add(_bills, listener);

    public IDisposable OnImport(Action<string, RosterImportView> listener) => Add(_imports, listener);

    /// <summary>Hears of every stored gate tap (tenant id, the local day it counts for).</summary>
    public IDisposable OnTap(Action<string, DateOnly> listener) => Add(_taps, listener);

    public void BillChanged(string tenantId, BillView bill) => Tell(_bills, l => l(tenantId, bill));

    public void ImportProgressed(string tenantId, RosterImportView import) => Tell(_imports, l => l(tenantId, import));

    public void Tapped(string tenantId, DateOnly day) => Tell(_taps, l => l(tenantId, day));

    IDisposable Add<T>(List<T> listeners, T listener)
    {
        lock (_lock) listeners.Add(listener);
        return new Subscription(() => { lock (_lock) listeners.Remove(listener); });
    }

    /// <summary>Each listener on its own: one that fails is logged and never fails the writer (whose commit is done) or the others.</summary>
    void Tell<T>(List<T> listeners, Action<T> tell)
    {
        T[] now;
        lock (_lock) now = [.. listeners];
        foreach (var listener in now)
        {
            try
            {
                tell(listener);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "A campus page's listener failed");
            }
        }
    }

    sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
