// Which screen is showing, with a history for Esc/Back.
export type Route =
  | { name: 'welcome' }
  | { name: 'today' }
  | { name: 'health' }
  | { name: 'metrics' }
  | { name: 'onboarding' }
  | { name: 'portfolio' }
  | { name: 'account'; id: number }
  | { name: 'qbr'; id: number }
  | { name: 'tasks' }
  | { name: 'import' }
  | { name: 'connections' }
  | { name: 'data' };

class Router {
  current = $state<Route>({ name: 'today' });
  private history: Route[] = [];

  go(route: Route) {
    if (JSON.stringify(route) === JSON.stringify(this.current)) return;
    this.history.push(this.current);
    if (this.history.length > 50) this.history.shift();
    this.current = route;
  }

  back(): boolean {
    const previous = this.history.pop();
    if (!previous) return false;
    this.current = previous;
    return true;
  }

  reset(route: Route) {
    this.history = [];
    this.current = route;
  }
}

export const router = new Router();
