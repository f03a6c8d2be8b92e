import { Module } from "@medusajs/framework/utils"
import MeumLedgerService from "./service"
import warnSplitProcesses from "./loaders/warn-split-processes"

export const MEUM_LEDGER_MODULE = "meumLedger"

export default Module(MEUM_LEDGER_MODULE, { service: MeumLedgerService, loaders: [warnSplitProcesses] })
