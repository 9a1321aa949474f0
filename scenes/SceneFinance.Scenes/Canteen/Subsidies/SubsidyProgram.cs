using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Canteen.Subsidies;

/// <summary>
/// A subsidy program of a tenant (id <c>sp_...</c>): who gets how much per period, where it may be spent, and what happens to
/// the remainder at the period's end. Its money comes from <c>subsidy-funder:{id}</c>, named after <see cref="Funder"/> in reports.
/// </summary>
public sealed class SubsidyProgram
{
    public const string Meal = "meal";
    public const string Holiday = "holiday";
    public const string Monthly = "monthly";
    public const string Dates = "dates";
    public const string Reset = "reset";
    public const string Rollover = "rollover";

    public string Id { get; set; } = "";

    /// <summary>The tenant again (the scheduler's calendar job looks across tenants).</summary>
    public string TenantId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary><c>meal</c> (reset at the period's end) or <c>holiday</c> (kept until a date).</summary>
    public string Kind { get; set; } = Meal;

    public long AmountPerPerson { get; set; }

    /// <summary><c>monthly</c> (calendar months in the tenant's zone) or <c>dates</c> (<see cref="From"/> to <see cref="To"/>, inclusive).</summary>
    public string Period { get; set; } = Monthly;

    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }

    /// <summary><c>reset</c>: the remainder goes back to the funder at the period's end; <c>rollover</c>: it stays (until the program closes).</summary>
    public string EndAction { get; set; } = Reset;

    /// <summary>Merchant categories it may be spent at (empty: any).</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Meal periods it may be spent in (empty: any time).</summary>
    public List<string> MealPeriods { get; set; } = [];

    public string Funder { get; set; } = "";

    /// <summary>Who is eligible when no list was imported: holders of these kinds or groups (both empty: every holder).</summary>
    public List<string> Kinds { get; set; } = [];
    public List<string> Groups { get; set; } = [];

    /// <summary>How many external ids the imported eligibility list holds (0: the filter above decides).</summary>
    public int ListedHolders { get; set; }

    /// <summary>Grant each period by itself when it starts (the calendar job); otherwise an operator starts each grant.</summary>
    public bool AutoGrant { get; set; }

    public string Status { get; set; } = "active";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public bool ResetAtEnd => EndAction == Reset;

    /// <summary>The period a local day falls in, or null outside the program's dates.</summary>
    public ProgramPeriod? PeriodOf(DateOnly day, TenantTime time)
    {
        if (Period == Monthly)
        {
            var start = new DateOnly(day.Year, day.Month, 1);
            return new ProgramPeriod($"{start:yyyy-MM}", start, start.AddMonths(1).AddDays(-1), time.StartOf(start), time.StartOf(start.AddMonths(1)));
        }
        if (From is not { } from || To is not { } to || day < from || day > to) return null;
        return new ProgramPeriod($"{from:yyyyMMdd}-{to:yyyyMMdd}", from, to, time.StartOf(from), time.StartOf(to.AddDays(1)));
    }

    /// <summary>When a purse of this period stops being spendable: its end, unless the remainder rolls over (then only a dated program ends).</summary>
    public DateTimeOffset? ExpiryOf(ProgramPeriod period) => ResetAtEnd || Period == Dates ? period.EndsAt : null;
}

/// <summary>One period of a program: its key (<c>2026-09</c>, <c>20260901-20261007</c>), local days and the instants it starts and ends.</summary>
public sealed record ProgramPeriod(string Key, DateOnly FirstDay, DateOnly LastDay, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>The external ids (student numbers, staff numbers, kept as text with their leading zeros) eligible for a program, when imported.</summary>
public sealed class SubsidyEligibleList
{
    public string Id { get; set; } = "";
    public List<string> ExternalIds { get; set; } = [];
    public string FileName { get; set; } = "";
    public DateTimeOffset ImportedAt { get; set; }
}

/// <summary>
/// One run of a program over its holders: a grant of a period, the end of a period, or the program's close. Progress is kept
/// here (and pushed to pages following it); a run done again changes nothing, which its <see cref="Changed"/> count shows.
/// </summary>
public sealed class SubsidyRun
{
    public const string Grant = "grant";
    public const string End = "end";
    public const string Close = "close";

    public string Id { get; set; } = "";
    public string ProgramId { get; set; } = "";
    public string Action { get; set; } = Grant;
    public string? PeriodKey { get; set; }
    public string Status { get; set; } = "queued";
    public int Total { get; set; }
    public int Done { get; set; }
    public int Changed { get; set; }
    public int Unchanged { get; set; }
    public int Failed { get; set; }
    public long Amount { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long ElapsedMs { get; set; }
    public string? Failure { get; set; }

    public bool Finished => Status is "completed" or "failed";

    public SubsidyRunView View() => new(Id, ProgramId, Action, PeriodKey, Status, Total, Done, Changed, Unchanged, Failed, Amount, RequestedBy,
        QueuedAt, StartedAt, FinishedAt, ElapsedMs, Failure);
}

/// <summary>A run as the API and the pages show it (a snapshot: the run goes on meanwhile).</summary>
public sealed record SubsidyRunView(
    string Id, string ProgramId, string Action, string? PeriodKey, string Status, int Total, int Done, int Changed, int Unchanged, int Failed,
    long Amount, string RequestedBy, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long ElapsedMs, string? Failure);
