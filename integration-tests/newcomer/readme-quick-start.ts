/**
 * Reads the README's quick start as a newcomer does: the numbered steps under the "Quick start"
 * heading, and in each step, in reading order, the shell commands (inline code starting with
 * `npm ` or `npx `), the config snippets (fenced code blocks) and the `NAME=value` settings.
 * The newcomer test follows what this returns, so the README, not the test, says what to run.
 * Any change of structure that would leave the test following nothing fails here, by name.
 */
import fs from "node:fs"

export type QuickStartAction =
  | { kind: "command"; step: number; where: "store" | "storefront"; text: string }
  | { kind: "snippet"; step: number; lang: string; text: string }
  | { kind: "setting"; step: number; name: string; value: string }

export class ReadmeStructureError extends Error {
  constructor(message: string) {
    super(`README quick start: ${message} (integration-tests/newcomer/readme-quick-start.ts reads it)`)
  }
}

export function readQuickStart(readmePath: string): QuickStartAction[] {
  const lines = fs.readFileSync(readmePath, "utf8").split("\n")
  const start = lines.findIndex((line) => /^## Quick start\b/i.test(line))
  if (start < 0) throw new ReadmeStructureError('no "## Quick start" heading')
  const end = lines.findIndex((line, index) => index > start && /^## /.test(line))
  const section = lines.slice(start + 1, end < 0 ? undefined : end)

  // A step: "N. text" at the margin, then its lines indented (or blank) until the next margin line.
  const steps: { number: number; body: string[] }[] = []
  let current: { number: number; body: string[] } | undefined
  for (const line of section) {
    const numbered = /^(\d+)\. (.*)$/.exec(line)
    if (numbered) {
      current = { number: Number(numbered[1]), body: [numbered[2]] }
      steps.push(current)
    } else if (current && (line.trim() === "" || /^\s/.test(line))) {
      current.body.push(line.replace(/^ {3}/, ""))
    } else {
      current = undefined
    }
  }
  if (steps.length === 0) throw new ReadmeStructureError("no numbered steps (lines starting with `1. `)")
  steps.forEach((step, index) => {
    if (step.number !== index + 1) throw new ReadmeStructureError(`steps are not numbered 1, 2, 3…: found ${step.number} at position ${index + 1}`)
  })

  const actions: QuickStartAction[] = []
  for (const step of steps) {
    const text = step.body.join("\n")
    // Fenced blocks and inline code, in the order they appear.
    const token = /```(\w*)\n([\s\S]*?)\n\s*```|`([^`\n]+)`/g
    for (const match of text.matchAll(token)) {
      if (match[2] !== undefined) {
        actions.push({ kind: "snippet", step: step.number, lang: match[1], text: dedent(match[2]) })
        continue
      }
      const code = match[3].trim()
      if (/^(npm|npx) /.test(code)) {
        // "In the storefront: `npm install …`": the command is run in the storefront's project.
        const said = [...text.slice(0, match.index).matchAll(/In the (storefront|store)\b/gi)].pop()?.[1]
        const where = said?.toLowerCase() === "storefront" ? "storefront" : "store"
        actions.push({ kind: "command", step: step.number, where, text: code })
      } else {
        const setting = /^([A-Z][A-Z0-9_]+)=(\S+)$/.exec(code)
        if (setting) actions.push({ kind: "setting", step: step.number, name: setting[1], value: setting[2] })
      }
    }
  }
  return actions
}

function dedent(block: string): string {
  const lines = block.split("\n")
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length))
  return lines.map((line) => line.slice(indent)).join("\n")
}
