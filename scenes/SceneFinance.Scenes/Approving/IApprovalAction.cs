namespace SceneFinance.Scenes.Approving;

/// <summary>
/// What an approved request of one <see cref="Kind"/> does, once: the scene that asks for approval registers it. It must be
/// idempotent on the approval id (a crash after it and before "carried out" is recorded runs it again).
/// </summary>
public interface IApprovalAction
{
    string Kind { get; }

    /// <summary>Which tenant roles may approve or reject this kind.</summary>
    string[] Approvers { get; }

    /// <summary>Carries out the approved request; a refusal lapses it (nothing moved). The answer is a short outcome for the record.</summary>
    Task<Outcome<string>> CarryOut(string tenantId, Approval approval, DateTimeOffset now);
}
