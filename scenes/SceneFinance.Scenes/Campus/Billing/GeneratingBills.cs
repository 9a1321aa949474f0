using System.Diagnostics;
using Marten;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.Billing;

public sealed record GenerationResult(int Students, int Issued, int AlreadyIssued, int WithSiblingDiscount, long TotalAmount, long ElapsedMs);

/// <summary>
/// Issues a fee plan's bill to every student of its grade (or class) in one action. Bill ids are derived from plan and student,
/// so generating again issues nothing twice and picks up students added since.
/// Siblings: students who share a guardian phone are one family; the child with the lowest student number pays in full and
/// every other child gets the plan's sibling discount, whichever grade's plan is generated first.
/// </summary>
public sealed class BillGenerator(IDocumentStore store, IGrainFactory grains, TimeProvider clock)
{
    const int Parallelism = 16;

    public static string BillIdFor(string planId, string studentNumber) => Ids.Derived("bill", $"{planId}|{studentNumber}");

    public async Task<GenerationResult> Generate(string tenantId, FeePlan plan)
    {
        var watch = Stopwatch.StartNew();
        var (students, younger) = await Students(tenantId, plan);
        var (lines, installments) = Terms(plan);
        int issued = 0, existed = 0, discounted = 0;
        long total = 0;
        var now = clock.GetUtcNow();
        await Parallel.ForEachAsync(students, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (s, _) =>
        {
            // One call: a bill issued before is answered as it is.
            var (view, isNew) = await grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, BillIdFor(plan.Id, s.Id))).Issue(new IssueBill(
                plan.Id, plan.Name, plan.Term, s.Id, s.CardHolderId, s.Name, s.Grade, s.Class, lines,
                younger.Contains(s.Id) ? plan.SiblingDiscountBp : 0, installments, plan.LateFeeFixed, plan.LateFeeBp, now)).OrThrow();
            Interlocked.Increment(ref isNew ? ref issued : ref existed);
            if (view.DiscountAmount > 0) Interlocked.Increment(ref discounted);
            Interlocked.Add(ref total, view.Amount);
        });
        return new GenerationResult(students.Count, issued, existed, discounted, total, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// What <see cref="Generate"/> would issue now, class by class: each bill computed by <see cref="BillDecisions.Issued"/> (the same
    /// discount and rounding), bills that exist already counted apart (generating again skips them). Nothing is written.
    /// </summary>
    public async Task<GenerationPreview> Preview(string tenantId, FeePlan plan)
    {
        var (students, younger) = await Students(tenantId, plan);
        var (lines, installments) = Terms(plan);
        HashSet<string> issued;
        await using (var session = store.QuerySession(tenantId))
            issued = [.. await session.Query<BillListing>().Where(b => b.PlanId == plan.Id).Select(b => b.StudentNumber).ToListAsync()];
        var now = clock.GetUtcNow();
        var rows = students.GroupBy(s => (s.Grade, s.Class)).OrderBy(g => g.Key.Class, StringComparer.Ordinal).Select(g =>
        {
            var bills = g.Select(s => BillDecisions.Issued(BillIdFor(plan.Id, s.Id), new IssueBill(plan.Id, plan.Name, plan.Term, s.Id, s.CardHolderId, s.Name,
                s.Grade, s.Class, lines, younger.Contains(s.Id) ? plan.SiblingDiscountBp : 0, installments, plan.LateFeeFixed, plan.LateFeeBp, now))).ToList();
            return new PreviewRow(g.Key.Grade, g.Key.Class, bills.Count, g.Count(s => issued.Contains(s.Id)), bills.Count(b => b.Discount > 0),
                bills.Sum(b => b.Gross), bills.Sum(b => b.Discount), bills.Sum(b => b.Amount));
        }).ToList();
        var total = new PreviewRow(plan.Grade, "*", rows.Sum(r => r.Students), rows.Sum(r => r.AlreadyIssued), rows.Sum(r => r.WithSiblingDiscount),
            rows.Sum(r => r.Gross), rows.Sum(r => r.Discount), rows.Sum(r => r.Amount));
        return new GenerationPreview(plan.Id, [.. rows, total], total);
    }

    /// <summary>The plan's students (its grade, or its class), in student-number order, and which of the whole school have an older sibling.</summary>
    async Task<(List<StudentRecord> Students, HashSet<string> Younger)> Students(string tenantId, FeePlan plan)
    {
        IReadOnlyList<StudentRecord> everyone;
        await using (var session = store.QuerySession(tenantId))
            everyone = await session.Query<StudentRecord>().ToListAsync();
        var students = everyone.Where(s => s.Grade == plan.Grade && (plan.Class is null || s.Class == plan.Class)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        return (students, YoungerSiblings(everyone));
    }

    static (List<BillLine> Lines, List<InstallmentShare> Installments) Terms(FeePlan plan) =>
        ([.. plan.Items.Select(i => new BillLine(i.Name, i.Category, i.Amount))], [.. plan.Installments.Select(i => new InstallmentShare(i.DueDate, i.ShareBp))]);

    /// <summary>Every student who has an older sibling (a lower student number in the same family).</summary>
    static HashSet<string> YoungerSiblings(IReadOnlyList<StudentRecord> students)
    {
        // Union-find over guardian phones: two students sharing any guardian are one family.
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var s in students)
        {
            parent.TryAdd("s:" + s.Id, "s:" + s.Id);
            foreach (var phone in s.GuardianPhones)
            {
                parent.TryAdd("p:" + phone, "p:" + phone);
                var (a, b) = (Find("s:" + s.Id), Find("p:" + phone));
                if (a != b) parent[a] = b;
            }
        }
        return students.GroupBy(s => Find("s:" + s.Id))
            .SelectMany(family => family.OrderBy(s => s.Id, StringComparer.Ordinal).Skip(1).Select(s => s.Id))
            .ToHashSet(StringComparer.Ordinal);
    }
}
