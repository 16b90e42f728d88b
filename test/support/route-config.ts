import type { RouteConfig } from '../../src/config/types.js';
import { parseMatchers } from '../../src/labels/parse.js';

/** A RouteConfig as the config loader hands it over; `matchers` in amtool syntax, e.g. '{team="a"}'. */
export function routeConfig(partial: Partial<Omit<RouteConfig, 'matchers'>> & { matchers?: string } = {}): RouteConfig {
  return {
    groupByAll: false,
    continue: false,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
    ...partial,
    matchers: partial.matchers ? parseMatchers(partial.matchers) : [],
  };
}
