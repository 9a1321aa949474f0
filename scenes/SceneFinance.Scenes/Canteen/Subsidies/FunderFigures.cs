using Marten;
using SceneFinance.Platform.Ledger;

namespace SceneFinance.Scenes.Canteen.Subsidies;

/// <summary>
/// A program's money as the ledger has it: granted (debits of its funder account), returned (credits: period ends, refunds
/// after the program), still in holders' purses, and spent (granted less returned less what the purses hold).
/// </summary>
public sealed record ProgramFigures(string ProgramId, string Name, string Funder, long Granted, long Spent, long Returned, long Outstanding);

public static class FunderFigures
{
    /// <summary>Every program's figures, from the postings (the trial balance's one reading of the ledger).</summary>
    public static async Task<IReadOnlyList<ProgramFigures>> Of(IDocumentStore store, string tenantId, IReadOnlyList<SubsidyProgram> programs)
    {
        var lines = (await TrialBalanceEndpoint.Read(store, tenantId)).Accounts;
        return programs.Select(p =>
        {
            var funder = lines.FirstOrDefault(l => l.Account == Grains.Canteen.CanteenAccounts.Funder(p.Id));
            var outstanding = lines.Where(l => l.Account.StartsWith("cardholder:", StringComparison.Ordinal) && l.Account.EndsWith($":subsidy:{p.Id}", StringComparison.Ordinal))
                .Sum(l => l.Credit - l.Debit);
            var (granted, returned) = (funder?.Debit ?? 0, funder?.Credit ?? 0);
            return new ProgramFigures(p.Id, p.Name, p.Funder, granted, granted - returned - outstanding, returned, outstanding);
        }).ToList();
    }
}
