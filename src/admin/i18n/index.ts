// The plugin's admin translations: Medusa's admin merges them into the dashboard's i18next
// resources (namespace "translation"); every key lives under "meum" so none clashes with the dashboard's.
import en from "./json/en.json"

export default {
  en: { translation: en },
}
