import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { MeumPaymentProviderService } from "./service"

export default ModuleProvider(Modules.PAYMENT, {
  services: [MeumPaymentProviderService],
})
