using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// What every page of the shell shares: the signed-in user, and turning the slices' problems into inline
/// messages (a field's message beside the field, anything else above the form), never an error page.
/// </summary>
public abstract class ShellPage : ComponentBase
{
    [CascadingParameter] Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] protected Text T { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;

    protected ClaimsPrincipal User { get; private set; } = new();

    /// <summary>The last failure: its message and its fields' messages.</summary>
    protected string? Problem { get; private set; }
    protected Dictionary<string, string> FieldErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task OnParametersSetAsync()
    {
        User = (await AuthState).User;
        await OnShellParametersSetAsync();
    }

    protected virtual Task OnShellParametersSetAsync() => Task.CompletedTask;

    protected bool IsPlatformAdmin => User.IsInRole(Roles.PlatformAdmin);
    protected string? OwnTenant => User.FindFirstValue(Roles.TenantClaim);
    protected bool May(string tenantId, string[] roles) => User.May(tenantId, roles);

    protected void ClearProblems()
    {
        Problem = null;
        FieldErrors.Clear();
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
            await action();
            ClearProblems();
            return true;
        }
        catch (ProblemException e)
        {
            Show(e); // also when a table's data callback failed: the message is the page's, not the table's
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
        foreach (var (field, messages) in e.Errors ?? [])
            FieldErrors[field] = string.Join(" ", messages.Select(Translate));
        Problem = e.Errors is { Count: > 0 } ? T["Please check the highlighted fields."] : Message(e);
        StateHasChanged();
    }

    protected bool HasError(string field) => FieldErrors.ContainsKey(field);
    protected string? ErrorOf(string field) => FieldErrors.GetValueOrDefault(field);

    string Message(ProblemException e) => e.Code switch
    {
        // A rule the slice explains (a second approver) is said as it is; a role or tenant refusal stays generic.
        ErrorCodes.Forbidden when Text.Knows(e.Message) => T[e.Message],
        ErrorCodes.Forbidden or ErrorCodes.Unauthorized => T["You may not do this."],
        ErrorCodes.NotFound => T["Not found."],
        ErrorCodes.TenantSuspended => T["The tenant is suspended."],
        ErrorCodes.Conflict when e.Message.Contains("meanwhile") => T["This was changed meanwhile; try again."],
        _ => e.Message,
    };

    // The slices speak English to API clients; the common messages are said in the page's language here.
    string Translate(string message) =>
        message.EndsWith(" is required.", StringComparison.Ordinal) ? T["Required."]
        : message.Contains("must be at most", StringComparison.Ordinal) && message.Contains("characters", StringComparison.Ordinal) ? T["Too long."]
        : message.Contains("must be one of", StringComparison.Ordinal) ? T["Not a valid choice."]
        : message is "already in use" or "already taken" ? T["Already in use."]
        : message;
}
