using Microsoft.AspNetCore.SignalR;

namespace SceneFinance.AdminUi.Live;

/// <summary>Live dashboards' channel. Empty on purpose: figures are pushed from committed events, never from request handlers.</summary>
public sealed class DashboardHub : Hub;
