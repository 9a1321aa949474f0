using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// What every page of the shell shares: the signed-in user, times in the page's tenant's zone, paged tables, and
/// turning the slices' problems into inline messages (a field's message beside the field, anything else above the
/// form), never an error page. What is shown is decided by the problem's code and each field error's kind, never by
/// matching message text.
/// </summary>
public abstract class ShellPage : ComponentBase
{
    [CascadingParameter] Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] protected Text T { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;
    [Inject] TenantClock TenantClock { get; set; } = default!; // private: pages read LocalTime (and may inject their own)
    [Inject] NavigationManager Navigation { get; set; } = default!;
    [Inject] ILogger<ShellPage> Log { get; set; } = default!;

    protected ClaimsPrincipal User { get; private set; } = new();

    /// <summary>The last failure: its message and its fields' messages.</summary>
    protected string? Problem { get; private set; }
    protected Dictionary<string, string> FieldErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tenant this page is about, whose zone its times are shown in; null on the platform's own pages.</summary>
    protected virtual string? PageTenant => null;

    /// <summary>How this page shows times (<c>LocalTime.Format(at)</c>): in <see cref="PageTenant"/>'s zone.</summary>
    protected TenantTime LocalTime { get; private set; } = TenantTime.In(Zones.Default, DateTimeOffset.UnixEpoch);

    protected override async Task OnParametersSetAsync()
    {
        User = (await AuthState).User;
        // A reset (or generated) password is changed before anything else is done.
        if (User.HasClaim(c => c.Type == global::SceneFinance.Tenants.SigningIn.IssueToken.MustChangeClaim))
        {
            Navigation.NavigateTo("/account/password?required=true", forceLoad: true);
            return;
        }
        // The platform's own pages (the cockpit, the tenant list) read in the platform's default zone.
        LocalTime = PageTenant is { } tenant ? await TenantClock.For(tenant) : TenantTime.In(Zones.Default, Clock.GetUtcNow());
        await OnShellParametersSetAsync();
    }

    protected virtual Task OnShellParametersSetAsync() => Task.CompletedTask;

    protected bool IsPlatformAdmin => User.IsInRole(Roles.PlatformAdmin);
    protected string? OwnTenant => User.FindFirstValue(Roles.TenantClaim);
    protected bool May(string tenantId, string[] roles) => User.May(tenantId, roles);

    /// <summary>A fresh idempotency key for one action a person means to take once (a top-up, a refund): keep it until it succeeded.</summary>
    protected static string NewIdempotencyKey() => "ui-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// A MudTable's <c>ServerData</c>: asks the slice for one page (<c>page</c> from 0, <c>size</c>) as <c>(Rows, Total)</c>;
    /// a problem shows above the page like any other, and the table is then empty.
    /// A page's loads run one at a time, in the order they were asked for: MudTable keeps whichever load finishes last, so
    /// two at once (a day chosen, then a till) could end with the older one's rows on screen.
    /// </summary>
    protected async Task<TableData<TRow>> TablePage<TRow>(TableState state, Func<int, int, Task<(IReadOnlyList<TRow> Rows, long Total)>> page)
    {
        var rows = new TableData<TRow> { Items = [], TotalItems = 0 };
        await _tableLoads.WaitAsync();
        try
        {
            await Attempt(async () =>
            {
                var (items, total) = await page(state.Page, state.PageSize);
                rows = new TableData<TRow> { Items = items, TotalItems = (int)total };
            });
        }
        finally { _tableLoads.Release(); }
        return rows;
    }

    readonly SemaphoreSlim _tableLoads = new(1, 1);

    protected void ClearProblems()
    {
        Problem = null;
        FieldErrors.Clear();
    }

    /// <summary>A day as typed (<c>yyyy-MM-dd</c>, spaces around it ignored), read as the API reads days; null when it is not one.</summary>
    protected static DateOnly? ParseDay(string? text) => Validation.TryDay(text?.Trim(), out var day) ? day : null;

    /// <summary>A day typed into <paramref name="field"/>; when it is not one, the field says so and this is null.</summary>
    protected DateOnly? DayIn(string? text, string field)
    {
        if (ParseDay(text) is { } day) return day;
        FieldProblem(field, T["Enter a date like 2026-01-31."]);
        return null;
    }

    /// <summary>A UI-side check (a number that does not parse): shown like the slice's own field messages.</summary>
    protected void FieldProblem(string field, string message)
    {
        FieldErrors[field] = message;
        Problem = T["Please check the highlighted fields."];
    }

    /// <summary>Runs an action of a slice; its problem becomes inline messages. True when it succeeded.</summary>
    protected async Task<bool> Attempt(Func<Task> action)
    {
        if (FieldErrors.Count > 0) return false; // the page's own checks failed already
        try
        {
            // A page's action has no request of its own: the signed-in person acts (for the audit log), from where they signed in.
            using (AuditActor.Use(AuditActor.Of(User))) await action();
            ClearProblems();
            return true;
        }
        catch (ProblemException e)
        {
            Show(e); // also when a table's data callback failed: the message is the page's, not the table's
            return false;
        }
        catch (Exception e)
        {
            // Anything else (the cluster or the database did not answer in time): the page stays alive and says so, with a
            // reference to the log entry. Thrown on, it would end the page's circuit, and every later click would be lost.
            var reference = Guid.NewGuid().ToString("N")[..8];
            Log.LogError(e, "A page's action failed (reference {Reference})", reference);
            FieldErrors.Clear();
            Problem = T.Format("This did not go through (reference {0}). What you entered is kept: check the result, then try again.", reference);
            StateHasChanged();
            return false;
        }
    }

    /// <summary>Runs a slice's action that answers a typed outcome; a refusal (or a thrown problem) becomes inline messages.
    /// The value, or null when it did not succeed.</summary>
    protected async Task<T?> Attempt<T>(Func<Task<Outcome<T>>> action) where T : class
    {
        Outcome<T>? outcome = null;
        if (!await Attempt(async () => { outcome = await action(); })) return null;
        if (outcome!.Refusal is { } refusal)
        {
            Show(refusal.ToException());
            return null;
        }
        return outcome.Value;
    }

    void Show(ProblemException e)
    {
        FieldErrors.Clear();
        foreach (var (field, errors) in e.Fields ?? [])
            FieldErrors[field] = string.Join(" ", errors.Select(Say));
        Problem = FieldErrors.Count > 0 ? T["Please check the highlighted fields."] : Say(e);
        StateHasChanged();
    }

    protected bool HasError(string field) => FieldErrors.ContainsKey(field);
    protected string? ErrorOf(string field) => FieldErrors.GetValueOrDefault(field);

    /// <summary>
    /// A problem in the page's language: its detail when the catalog has that sentence (a rule the slice explains, such as
    /// "a second person must approve"), otherwise a message for its code (a role or tenant refusal stays generic).
    /// </summary>
    string Say(ProblemException e) => T.Catalogued(e.Message) ?? e.Code switch
    {
        ErrorCodes.Forbidden or ErrorCodes.Unauthorized => T["You may not do this."],
        ErrorCodes.NotFound => T["Not found."],
        ErrorCodes.TenantSuspended => T["The tenant is suspended."],
        _ => e.Message,
    };

    // The slices speak English to API clients; a field error is said by its kind in the page's language here.
    string Say(FieldError e) => e.Kind switch
    {
        FieldErrorKind.Required => T["Required."],
        FieldErrorKind.TooLong => e.Max is { } max ? T.Format("At most {0} characters.", max) : T["Too long."],
        FieldErrorKind.OneOf => T["Not a valid choice."],
        FieldErrorKind.AlreadyInUse => T["Already in use."],
        _ => T[e.Message], // what is expected, as the slice says it (in the page's language when the catalog has it)
    };
}
