// Follows one dashboard scope over SignalR (/hubs/dashboard) and hands each snapshot to its Blazor component.
export async function follow(component, scope) {
    const connection = new signalR.HubConnectionBuilder()
        .withUrl("/hubs/dashboard?scope=" + encodeURIComponent(scope))
        .withAutomaticReconnect()
        .build();
    connection.on("figures", figures => component.invokeMethodAsync("Show", figures));
    await connection.start();
    return connection;
}
