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
        IReadOnlyList<StudentRecord> everyone;
        await using (var session = store.QuerySession(tenantId))
            everyone = await session.Query<StudentRecord>().ToListAsync();
        var younger = YoungerSiblings(everyone);
        var students = everyone.Where(s => s.Grade == plan.Grade && (plan.Class is null || s.Class == plan.Class)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var lines = plan.Items.Select(i => new BillLine(i.Name, i.Category, i.Amount)).ToList();
        var installments = plan.Installments.Select(i => new InstallmentShare(i.DueDate, i.ShareBp)).ToList();
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
