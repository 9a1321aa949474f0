namespace SceneFinance.AdminUi.Shell;

/// <summary>What one page of a circuit tells the shell around it (the tenant switcher lists a tenant created a moment ago).</summary>
public sealed class ShellEvents
{
    public event Func<Task>? TenantsChanged;

    public Task OnTenantsChanged() => TenantsChanged?.Invoke() ?? Task.CompletedTask;
}
