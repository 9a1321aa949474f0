namespace SceneFinance.AdminUi.Canteen;

/// <summary>
/// The translator's key for a merchant's, campaign's or program's status. The shell has one word list, where "closed" is a
/// risk case's (已结案); a closed merchant, campaign or program is no longer open (已关闭).
/// </summary>
public static class CanteenStatus
{
    public static string Word(string status) => status == "closed" ? "no longer open" : status;
}
