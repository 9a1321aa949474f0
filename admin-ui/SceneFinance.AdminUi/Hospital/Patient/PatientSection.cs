using Microsoft.AspNetCore.Components;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Payments.Intents;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.AdminUi.Hospital.Patient;

/// <summary>
/// A part of the patient's page that acts on the account (the orders, the deposit and credit care, refunds): it calls the
/// same slice functions as the API and shows their refusals beside its own form (<see cref="ShellPage.Attempt{T}"/>); the
/// page then reads the account again and shows the notice.
/// </summary>
public abstract class PatientSection : ShellPage
{
    [Parameter, EditorRequired] public string TenantId { get; set; } = "";
    [Parameter, EditorRequired] public string PatientId { get; set; } = "";
    [Parameter, EditorRequired] public PatientAccountView Account { get; set; } = default!;

    /// <summary>An operation succeeded: its notice (or none); the page reads the account again.</summary>
    [Parameter] public EventCallback<string?> Done { get; set; }

    /// <summary>A payment through a channel: the page shows its QR code until the money is committed.</summary>
    [Parameter] public EventCallback<PaymentIntentView> Follow { get; set; }

    /// <summary>Times in the hospital's zone (<see cref="ShellPage.LocalTime"/>).</summary>
    protected override string? PageTenant => TenantId;

    protected bool Busy { get; private set; }

    /// <summary>One operation: its refusal inline here; its success said by <paramref name="then"/>.</summary>
    protected async Task Act<T>(Func<Task<Outcome<T>>> action, Func<T, Task<string?>> then) where T : class
    {
        Busy = true;
        try
        {
            if (await Attempt(action) is { } done) await Done.InvokeAsync(await then(done));
        }
        finally
        {
            Busy = false;
        }
    }
}
