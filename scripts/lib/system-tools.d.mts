// Types of system-tools.mjs for the TypeScript side of the tests (vitest's global setup and the suites).
export type SystemTool = "redis-server" | "chromium";
export declare const SYSTEM_TOOLS: Record<SystemTool, { debianPackage: string; why: string; hint: string }>;
export declare const MISSING_MARK: string;
export declare function chromiumPath(): string;
export declare function detectSystemTools(): Record<SystemTool, boolean>;
export declare function missingTools(found: Record<SystemTool, boolean>): SystemTool[];
export declare function strictCi(): boolean;
