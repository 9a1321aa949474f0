// The shell's own reconnect dialog (#components-reconnect-modal, in App.razor), in the page's language. Blazor sets its
// state classes and tells each change; this script opens and closes the dialog and does what the state asks for.
(() => {
    const dialog = document.getElementById("components-reconnect-modal");
    if (!dialog) return;
    const reload = () => location.reload();

    // Takes up the paused circuit; one the server no longer has cannot come back: start afresh.
    const resume = async () => {
        try { if (!await Blazor.resumeCircuit()) reload(); } catch { reload(); }
    };

    dialog.addEventListener("components-reconnect-state-changed", e => {
        const state = e.detail.state;
        if (state === "show" || state === "paused") { if (!dialog.open) dialog.showModal(); }
        else if (state === "hide") { if (dialog.open) dialog.close(); }
        // A circuit the server no longer knows (its silo went away, or it was dropped): start afresh.
        else if (state === "rejected" || state === "resume-failed") reload();
    });

    // Retry after the attempts ran out: reconnect, else resume.
    document.getElementById("components-reconnect-button")?.addEventListener("click", async () => {
        try { if (await Blazor.reconnect()) return; } catch { reload(); return; }
        await resume();
    });
    document.getElementById("components-resume-button")?.addEventListener("click", resume);
})();
